#!/usr/bin/env bash
# The cluster's entry: one nginx (the project's nginx base, hardened as the
# benchmarks' nginx) on the cluster network, published on $BIND_ADDRESS, in
# front of the three nodes' host-mode ports, as a cloud load balancer would
# be. Source it after lib.sh, setup.sh, cluster-lib.sh and nodes-lib.sh; it defines
# functions and runs nothing. What others call: entry_up, entry_down.

ENTRY_CONF="$CLUSTER_STATE/entry/nginx.conf"
# The ports the swarm publishes in host mode on every node (swarm-lib.sh).
ENTRY_GATEWAY_PORT=8090
ENTRY_API_PORT=8093

# Writes the entry's nginx.conf from the nodes' addresses.
entry_config() {
  local port_timeout port timeout n
  install -d -m 0755 "$(dirname "$ENTRY_CONF")"
  {
    sed 's/^    //' <<'CONF'
    # Written by cli-scripts/cluster/entry-lib.sh: the cluster's one entry.
    # Non-root with a read-only root: pid and temp files under the /tmp tmpfs.
    worker_processes 1;
    worker_rlimit_nofile 8192;
    pid /tmp/nginx.pid;
    error_log stderr warn;
    # Room for many slow clients, each cut once its head or body takes over
    # 10 s: holding connections open costs an attacker more than it costs us.
    events { worker_connections 4096; }
    http {
        client_body_temp_path /tmp/client_body;
        proxy_temp_path /tmp/proxy;
        fastcgi_temp_path /tmp/fastcgi;
        uwsgi_temp_path /tmp/uwsgi;
        scgi_temp_path /tmp/scgi;
        access_log /dev/stdout;
        server_tokens off;
        client_header_timeout 10s;
        client_body_timeout 10s;
        send_timeout 10s;
        keepalive_timeout 30s;
        # A node that does not take the connection at once is skipped: the next
        # one is tried. Only errors and timeouts move a request on (not 5xx
        # answers), and a POST only before any of it was sent (non_idempotent
        # is left off), so no write is replayed. No outcome of a request sets a
        # node aside (max_fails=0): a request that a gateway refuses by closing
        # its connection (one with more headers than the JDK's server reads)
        # would otherwise take each node out of the entry in turn, for everyone.
        # A node that is gone costs a request its connect timeout, once. A GET
        # may move on after one read timeout, not two (next_upstream_timeout):
        # each port's read timeout is a little over its service's own bound on
        # an answer, so a request held by a node that died is moved on within
        # seconds.
        proxy_connect_timeout 500ms;
        proxy_send_timeout 10s;
        proxy_next_upstream error timeout;
        proxy_next_upstream_tries 3;
        proxy_next_upstream_timeout 20s;
    proxy_http_version 1.1;
        proxy_set_header Host $host;
        proxy_set_header X-Forwarded-For $remote_addr;
        proxy_set_header Forwarded "";
        proxy_set_header X-Real-IP "";
CONF
    # The gateway answers within UPSTREAM_TIMEOUT (5 s), svc-api within 5.5 s:
    # the entry waits longer, so that their own problem reaches the client.
    for port_timeout in "$ENTRY_GATEWAY_PORT 7s" "$ENTRY_API_PORT 8s"; do
      read -r port timeout <<<"$port_timeout"
      printf '    upstream nodes_%s {\n' "$port"
      for n in 1 2 3; do printf '        server %s:%s max_fails=0;\n' "$(node_ip "$n")" "$port"; done
      printf '    }\n    server {\n        listen %s;\n        proxy_read_timeout %s;\n' "$port" "$timeout"
      printf '        location / { proxy_pass http://nodes_%s; }\n' "$port"
      # The API's GET / counts a visit: moved on after a failed connect, never
      # after a read timeout (the node may still count it when it wakes).
      [[ $port != "$ENTRY_API_PORT" ]] ||
        printf '        location = / { proxy_pass http://nodes_%s; proxy_next_upstream error; }\n' "$port"
      # The entry's own errors (no node answered) as problems, like every other error.
      printf '        error_page 502 @no_node;\n        error_page 504 @node_timeout;\n'
      printf '        location @no_node { default_type application/problem+json; return 502 %s; }\n' \
        "'{\"type\":\"about:blank\",\"title\":\"Bad Gateway\",\"status\":502,\"detail\":\"no node of the cluster answered\"}'"
      printf '        location @node_timeout { default_type application/problem+json; return 504 %s; }\n    }\n' \
        "'{\"type\":\"about:blank\",\"title\":\"Gateway Timeout\",\"status\":504,\"detail\":\"no node of the cluster answered in time\"}'"
    done
    printf '}\n'
  } >"$ENTRY_CONF.new"
  chmod 0644 "$ENTRY_CONF.new"
  mv "$ENTRY_CONF.new" "$ENTRY_CONF"
}

# Starts the entry, or leaves it running when its image and config are current.
entry_up() {
  local image sum
  pick_image NGINX_IMAGE nginx:1-bookworm nginx
  image=$NGINX_IMAGE
  entry_config
  sum=$(sha256sum "$ENTRY_CONF" | cut -c1-16)
  if container_current "$CLUSTER_ENTRY" "$image" &&
    [[ $(docker inspect -f '{{index .Config.Labels "desafios.config"}}' "$CLUSTER_ENTRY") == "$sum" ]]; then
    note "$CLUSTER_ENTRY is running the current $image and config"
    return 0
  fi
  port_free "$CLUSTER_PORT" CLUSTER_PORT "$CLUSTER_ENTRY"
  port_free "$CLUSTER_API_PORT" CLUSTER_API_PORT "$CLUSTER_ENTRY"
  remove_containers "$CLUSTER_ENTRY"
  # shellcheck disable=SC2016 # the container's shell reads the pid file
  dkq run --detach --name "$CLUSTER_ENTRY" --label desafios.challenge=cluster --label desafios.role=entry \
    --label "desafios.config=$sum" --network "$CLUSTER_NETWORK" --ip "$CLUSTER_ENTRY_IP" --user 33:33 \
    "${HARDENED[@]}" --memory 64m --cpus 1 --tmpfs /tmp:rw,noexec,nosuid,size=16m \
    --health-cmd 'kill -0 "$(cat /tmp/nginx.pid)"' --health-interval 5s --health-timeout 2s --health-retries 3 \
    --publish "$BIND_ADDRESS:$CLUSTER_PORT:$ENTRY_GATEWAY_PORT" --publish "$BIND_ADDRESS:$CLUSTER_API_PORT:$ENTRY_API_PORT" \
    --volume "$ENTRY_CONF:/etc/nginx/nginx.conf:ro" "$image"
  wait_healthy "$CLUSTER_ENTRY"
}

entry_down() {
  remove_containers "$CLUSTER_ENTRY" || true
  rm -rf "$(dirname "$ENTRY_CONF")"
}
