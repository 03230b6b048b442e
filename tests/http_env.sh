# nginx serving files and proxying to a python3 http.server upstream, on
# loopback ports, everything (configuration, logs, files) in one directory.
# Sourced by tests/integ/run_http*.sh and scripts/bench-http (POSIX sh).
#
#   http_env_start DIR [WORKERS]  sets NG_PORT PY_PORT NG_PID PY_PID;
#                                 returns 1 (message on stderr) on failure;
#                                 HE_TLS=1: nginx serves HTTPS (a certificate
#                                 made in DIR), http_wait_port still works
#   http_env_stop                 stops both, by PID
#   http_nginx_head, http_tls_cert  for tests that write their own nginx.conf
#   http_free_port, http_wait_port, http_wait_listen  for their own servers
#
# nginx runs without a master process (one worker unless WORKERS says
# more, then a master too): $NG_PID is the process that serves. Files:
#   /static/hello.txt, /static/ka.txt, /static/p[123].txt, /static/split.txt
#   /static/big.bin (2 MB), /gz/text.txt (gzip: a chunked response)
#   /api/X  -> python's /X (data.txt, data2.txt; missing.txt is a 404)
#   /fail   -> 500          /upload -> reads the body, 204

http_free_port() {
	python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# http_wait_port PORT: up to 10 s for something to accept on it
http_wait_port() {
	i=0
	while [ $i -lt 100 ]; do
		python3 -c "import socket,sys; socket.create_connection(('127.0.0.1', $1), 0.2)" \
			2>/dev/null && return 0
		sleep 0.1; i=$((i + 1))
	done
	return 1
}

# http_wait_listen PORT: up to 5 s for a listener on it, without connecting
# (for a server that serves one connection)
http_wait_listen() {
	hex=$(printf ':%04X ' "$1"); i=0
	while ! grep -q "^ *[0-9]*: [0-9A-F]*$hex[0-9A-F:]* 0A " /proc/net/tcp; do
		i=$((i + 1)); [ $i -lt 50 ] || return 1; sleep 0.1
	done
}

# http_nginx_head DIR MASTER CONNECTIONS LOG_FORMAT: on stdout, the head of
# an nginx.conf that keeps everything in DIR (pid, error.log, access.log in
# LOG_FORMAT, temporary files under DIR/tmp), up to inside its http block;
# MASTER is its master_process/worker_processes line. The caller writes
# the rest and the closing brace.
http_nginx_head() {
	cat <<EOF
daemon off;
$2
pid $1/nginx.pid;
error_log $1/error.log warn;
events { worker_connections $3; }
http {
	log_format rt '$4';
	access_log $1/access.log rt;
	client_body_temp_path $1/tmp/body;
	proxy_temp_path $1/tmp/proxy;
	fastcgi_temp_path $1/tmp/fcgi;
	uwsgi_temp_path $1/tmp/uwsgi;
	scgi_temp_path $1/tmp/scgi;
EOF
}

# http_tls_cert DIR: a self-signed certificate for localhost, valid a day,
# in DIR/cert.pem and DIR/key.pem; returns 1 with openssl's words in
# DIR/openssl.out
http_tls_cert() {
	openssl req -x509 -newkey rsa:2048 -nodes -keyout "$1/key.pem" -out "$1/cert.pem" \
		-days 1 -subj /CN=localhost > "$1/openssl.out" 2>&1
}

# http_tls_nginx DIR HTTP SERVER: nginx (no master) serving HTTPS from
# DIR/www on 127.0.0.1:$PORT (a free port) with a certificate made in DIR
# (http_tls_cert), /missing a 404, its access log (DIR/access.log) the
# client's port, the request and the status; HTTP and SERVER are more
# lines for its http and server blocks. Its PID in $NG. Returns 1 when the
# certificate could not be made (openssl's words in DIR/openssl.out).
http_tls_nginx() {
	mkdir -p "$1/www" "$1/tmp"
	http_tls_cert "$1" || return 1
	PORT=$(http_free_port)
	{ http_nginx_head "$1" "master_process off;" 64 '$remote_port "$request" $status'
	cat <<EOF
$2
	types { text/plain txt; }
	server {
		listen 127.0.0.1:$PORT ssl;
		ssl_certificate $1/cert.pem;
		ssl_certificate_key $1/key.pem;
$3
		root $1/www;
		location = /missing { return 404; }
	}
}
EOF
	} > "$1/nginx.conf"
	nginx -p "$1" -c "$1/nginx.conf" > "$1/nginx.out" 2>&1 &
	NG=$!
}

# http_nghttpd DIR: nghttpd serving DIR (made here: index.html, big.txt of
# 40,000 bytes) in h2c on 127.0.0.1:$NGPORT (a free port), its PID in $ngd;
# returns 1 when it does not listen within 10 s (its output: DIR.log)
http_nghttpd() {
	mkdir -p "$1"
	printf 'hello h2\n' > "$1/index.html"
	head -c 40000 /dev/zero | tr '\0' a > "$1/big.txt"
	NGPORT=$(http_free_port)
	nghttpd --no-tls -d "$1" "$NGPORT" > "$1.log" 2>&1 &
	ngd=$!
	http_wait_port "$NGPORT"
}

http_env_start() {
	HE_DIR=$1; workers=${2:-1}
	mkdir -p "$HE_DIR/www/static" "$HE_DIR/www/gz" "$HE_DIR/up" "$HE_DIR/tmp"
	echo "hello from nginx" > "$HE_DIR/www/static/hello.txt"
	for f in ka p1 p2 p3 split; do echo "$f" > "$HE_DIR/www/static/$f.txt"; done
	head -c 600 /dev/zero | tr '\0' l > "$HE_DIR/www/static/lean.txt"
	head -c 2097152 /dev/zero | tr '\0' 'b' > "$HE_DIR/www/static/big.bin"
	python3 -c 'print("chunky text " * 4000)' > "$HE_DIR/www/gz/text.txt"
	echo "upstream data" > "$HE_DIR/up/data.txt"
	echo "upstream data 2" > "$HE_DIR/up/data2.txt"
	NG_PORT=$(http_free_port); PY_PORT=$(http_free_port)
	tls=""
	if [ "${HE_TLS:-0}" = 1 ]; then
		if ! http_tls_cert "$HE_DIR"; then
			echo "openssl req: $(head -c 300 "$HE_DIR/openssl.out")" >&2; return 1
		fi
		tls=" ssl; ssl_certificate $HE_DIR/cert.pem; ssl_certificate_key $HE_DIR/key.pem"
	fi
	if [ "$workers" -gt 1 ]; then master="master_process on; worker_processes $workers;"
	else master="master_process off;"; fi
	# HE_LEAN=1: a lean server, no access log (a benchmark's lean row)
	alog=""; [ "${HE_LEAN:-0}" = 1 ] && alog="access_log off;"
	# the log has the client's port and the request's number on its
	# connection: a test can say which requests a tracer missed
	{ http_nginx_head "$HE_DIR" "$master" 1024 \
		'$remote_addr $remote_port $connection $connection_requests "$request" $status $body_bytes_sent'
	cat <<EOF
	keepalive_requests 100000;
	sendfile on;
	types { text/plain txt; application/octet-stream bin; }
	server {
		listen 127.0.0.1:$NG_PORT$tls;
		root $HE_DIR/www;
		$alog
		location /static/ { }
		location /gz/ { gzip on; gzip_types text/plain; gzip_min_length 1; }
		location /api/ { proxy_pass http://127.0.0.1:$PY_PORT/; }
		location = /fail { return 500; }
		location = /upload { client_max_body_size 4m; return 204; }
	}
}
EOF
	} > "$HE_DIR/nginx.conf"
	python3 -m http.server "$PY_PORT" --bind 127.0.0.1 --directory "$HE_DIR/up" \
		> "$HE_DIR/python.log" 2>&1 &
	PY_PID=$!
	nginx -p "$HE_DIR" -c "$HE_DIR/nginx.conf" > "$HE_DIR/nginx.out" 2>&1 &
	NG_PID=$!
	if ! http_wait_port "$NG_PORT" || ! http_wait_port "$PY_PORT"; then
		echo "nginx or python did not start: $(cat "$HE_DIR/nginx.out" "$HE_DIR/error.log" \
			"$HE_DIR/python.log" 2>/dev/null | head -c 600)" >&2
		http_env_stop
		return 1
	fi
	# with a master, the worker is the one serving
	if [ "$workers" -gt 1 ]; then NG_MASTER=$NG_PID; fi
	return 0
}

# (a process already gone is no error: under a caller's set -e the failed
# kill ended the caller, e.g. scripts/bench-http exited 1 after its figures)
http_env_stop() {
	for p in ${NG_PID:-} ${PY_PID:-}; do kill "$p" 2>/dev/null || :; done
	for p in ${NG_PID:-} ${PY_PID:-}; do
		i=0
		while kill -0 "$p" 2>/dev/null && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
		kill -9 "$p" 2>/dev/null || :
	done
	NG_PID=""; PY_PID=""
}
