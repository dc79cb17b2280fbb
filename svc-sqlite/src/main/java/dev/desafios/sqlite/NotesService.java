package dev.desafios.sqlite;

import dev.desafios.common.Config;
import dev.desafios.common.Health;
import dev.desafios.common.Router;
import dev.desafios.common.Server;
import dev.desafios.common.Services;
import java.nio.file.Path;
import java.util.Map;

/** Challenge 2: notes in a SQLite file on a named volume, surviving the container. */
public final class NotesService {
    private static final String DB_PATH = "/data/notes.db";

    private NotesService() {
    }

    /** Serves; or, given a command, runs it on the database once ({@link NotesBackup#run}) and exits. */
    public static void main(String[] args) {
        if (args.length > 0) {
            System.exit(NotesBackup.run(args[0], Path.of(new Config(System.getenv()).text("DB_PATH", DB_PATH))));
        }
        Services.run("svc-sqlite", () -> start(System.getenv()).stopOnSignal());
    }

    static Server start(Map<String, String> env) {
        var config = new Config(env);
        config.requirePorts();
        // The largest note must fit a page on its own: six bytes of JSON a character at worst.
        int maxPageBytes = (int) config.whole("MAX_PAGE_BYTES", 256 * 1024, 64 * 1024, 16 * 1024 * 1024);
        long maxDbBytes = config.whole("DB_MAX_BYTES", 0, 0, Long.MAX_VALUE);
        var notes = NotesRepository.open(config.dataFile("DB_PATH", DB_PATH), maxDbBytes, Note.MAX_STORED_BYTES);
        var handlers = new NoteHandlers(notes, maxPageBytes);
        var router = new Router(config.maxBodyBytes())
                .post("/notes", handlers::create)
                .get("/notes", handlers::list)
                .get("/notes/{id}", handlers::find)
                .delete("/notes/{id}", handlers::delete)
                .get("/health", new Health().check("sqlite", notes::isWritable)::handle);
        return Server.start(config, router, notes);
    }
}
