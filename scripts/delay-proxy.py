#!/usr/bin/env python3
"""Forwards TCP 127.0.0.1:PORT to a PostgreSQL Unix socket, holding every chunk DELAY seconds in each direction.

A stand-in for a database on another host, for `scripts/bench-remote-db.sh` (tc netem is not available on every
machine). Python's own forwarding adds roughly 0.1 ms per direction on top of DELAY.

Usage: delay-proxy.py SOCKET_PATH DELAY_SECONDS PORT
"""
import socket
import sys
import threading
import time


def pump(source, target, delay):
    try:
        while True:
            data = source.recv(1 << 20)
            if not data:
                break
            time.sleep(delay)
            target.sendall(data)
    except OSError:
        pass
    finally:
        try:
            target.shutdown(socket.SHUT_WR)
        except OSError:
            pass


def main():
    path, delay, port = sys.argv[1], float(sys.argv[2]), int(sys.argv[3])
    server = socket.socket()
    server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    server.bind(("127.0.0.1", port))
    server.listen(512)
    while True:
        client, _ = server.accept()
        client.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        upstream = socket.socket(socket.AF_UNIX)
        upstream.connect(path)
        for source, target in ((client, upstream), (upstream, client)):
            threading.Thread(target=pump, args=(source, target, delay), daemon=True).start()


if __name__ == "__main__":
    main()
