"""The sweep that ends streams whose clients left: a closed peer is found; a live one, even one that
sent bytes, is not."""

from __future__ import annotations

import socket

from app.glados.departures import closed_sockets


def test_only_the_sockets_whose_peer_closed_are_found() -> None:
    pairs = [socket.socketpair() for _ in range(3)]
    (idle, _), (chatty, chatty_peer), (left, left_peer) = pairs
    try:
        chatty_peer.sendall(b"x")  # readable, but not at its end
        left_peer.close()
        assert closed_sockets([idle, chatty, left]) == {left}
        assert chatty.recv(1) == b"x"  # the sweep only peeked
    finally:
        for pair in pairs:
            for end in pair:
                end.close()


def test_a_socket_the_server_already_closed_counts_as_gone() -> None:
    mine, peer = socket.socketpair()
    mine.close()
    assert closed_sockets([mine]) == {mine}
    peer.close()
    assert closed_sockets([]) == set()
