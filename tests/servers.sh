# Helpers for tests of servers on loopback (96-memcached.t, 88-nginx.t):
# sourced after lib.sh, which gives PY, bg_register and ended_within.

# a loopback port nothing listens on now
free_port() { $PY -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

# listening PORT PID TENTHS: true once 127.0.0.1:PORT accepts a connection,
# polling every 0.1 s at most TENTHS times while PID lives
listening() {
	local i
	for ((i = 0; i < $3; i++)); do
		$PY -c "import socket; socket.create_connection(('127.0.0.1', $1), timeout=1).close()" \
			2>/dev/null && return 0
		kill -0 "$2" 2>/dev/null || return 1
		sleep 0.1
	done
	return 1
}

# stop PID TAG: SIGTERM to PID (a background job of ours), at most 5 s for
# it to end (else SIGKILL); its status in $RC (-1: it did not end)
stop() {
	{
		kill -TERM "$1"
		if ended_within 50 "$1"; then
			wait "$1"
			RC=$?
		else
			RC=-1
			diag "$2: still running 5 s after SIGTERM: SIGKILL"
			kill -KILL "$1"
			wait "$1"
		fi
	} 2>/dev/null
}
