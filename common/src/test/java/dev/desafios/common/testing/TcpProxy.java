package dev.desafios.common.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A TCP relay on 127.0.0.1 in front of a real server, for network faults without touching the
 * server: {@link #refuse()} acts like a stopped server (open connections cut, new ones refused),
 * {@link #hang()} like an unreachable one (bytes swallowed, no answer ever), {@link #delay} like a
 * slow network, {@link #cutReplyTo} like a server that dies just after doing what it was asked
 * (the request arrives and is carried out, the answer is lost), {@link #forward()}
 * restores the path on the same port, as a restarted container would.
 */
public final class TcpProxy implements AutoCloseable {
    private final InetSocketAddress target;
    private final int port;
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private volatile ServerSocket listener;
    private volatile boolean hanging;
    private volatile long delayMillis;
    private final AtomicReference<byte[]> cutMarker = new AtomicReference<>();

    public TcpProxy(String targetHost, int targetPort) {
        this.target = new InetSocketAddress(targetHost, targetPort);
        this.listener = listen(0);
        this.port = listener.getLocalPort();
        startAccepting(listener);
    }

    /** The relay's port on 127.0.0.1. */
    public int port() {
        return port;
    }

    /** Cuts every open connection and refuses new ones. */
    public synchronized void refuse() {
        closeQuietly(listener);
        open.forEach(TcpProxy::closeQuietly);
        open.clear();
    }

    /** Keeps connections open but swallows every byte, in both directions. */
    public void hang() {
        hanging = true;
    }

    /** Holds every chunk of bytes this long before relaying it, like a slow network. */
    public void delay(Duration delay) {
        delayMillis = delay.toMillis();
    }

    /**
     * Lets requests through, but the next request whose bytes contain {@code marker} (a value it
     * carries, such as a request id) gets no answer: when the server answers it, its connection is
     * cut, both sides, and the client never learns the outcome of what it asked. Once only.
     */
    public void cutReplyTo(String marker) {
        cutMarker.set(marker.getBytes(StandardCharsets.UTF_8));
    }

    /** Relays again, on the same port, without delay. */
    public synchronized void forward() {
        hanging = false;
        delayMillis = 0;
        if (listener.isClosed()) {
            listener = listen(port);
            startAccepting(listener);
        }
    }

    @Override
    public void close() {
        refuse();
    }

    private static ServerSocket listen(int port) {
        try {
            var socket = new ServerSocket();
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 50);
            return socket;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot listen on 127.0.0.1:" + port, e);
        }
    }

    private void startAccepting(ServerSocket server) {
        Thread.ofVirtual().start(() -> {
            while (!server.isClosed()) {
                try {
                    Socket client = server.accept();
                    open.add(client);
                    Thread.ofVirtual().start(() -> connect(client));
                } catch (IOException closed) {
                    return;
                }
            }
        });
    }

    private void connect(Socket client) {
        if (hanging) {
            pipe(client, null, new AtomicBoolean(), false);
            return;
        }
        try {
            Socket upstream = new Socket();
            open.add(upstream);
            upstream.connect(target, 2000);
            var cut = new AtomicBoolean();
            Thread.ofVirtual().start(() -> pipe(upstream, client, cut, true));
            pipe(client, upstream, cut, false);
        } catch (IOException e) {
            closeQuietly(client);
        }
    }

    /**
     * Copies from one socket to the other (or nowhere while hanging), then closes both. A request
     * carrying the cut marker sets {@code cut}; the server's next bytes on that connection end it.
     */
    private void pipe(Socket from, Socket to, AtomicBoolean cut, boolean replies) {
        byte[] buffer = new byte[16384];
        try (InputStream in = from.getInputStream()) {
            OutputStream out = to == null ? null : to.getOutputStream();
            int n;
            while ((n = in.read(buffer)) >= 0) {
                if (replies && cut.get()) {
                    return;
                }
                byte[] marker = cutMarker.get();
                if (!replies && marker != null && contains(buffer, n, marker) && cutMarker.compareAndSet(marker, null)) {
                    cut.set(true);
                }
                if (!hanging && out != null) {
                    if (delayMillis > 0) {
                        Thread.sleep(delayMillis);
                    }
                    out.write(buffer, 0, n);
                    out.flush();
                }
            }
        } catch (IOException e) {
            // one side closed: close the other below
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            closeQuietly(from);
            if (to != null) {
                closeQuietly(to);
            }
        }
    }

    private static boolean contains(byte[] buffer, int length, byte[] marker) {
        outer:
        for (int i = 0; i + marker.length <= length; i++) {
            for (int j = 0; j < marker.length; j++) {
                if (buffer[i + j] != marker[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }

    private static void closeQuietly(AutoCloseable closeable) {
        try {
            closeable.close();
        } catch (Exception e) {
            // already closed
        }
    }
}
