"""Home Assistant's `mpd` integration, replayed against coachd with the client library it uses
(python-mpd2's asyncio MPDClient), in the order it talks: every poll a new connection with
the password (when one is given), status, currentsong and, now and then, listplaylists and
commands; its actions (pause 1, pause 0, play, stop, next, previous, setvol, seekcur) on a
connection of their own; choosing a source sends clear, load NAME, play.

The client idles between commands, as it does in Home Assistant (idle, then noidle when a
command comes); a stray noidle at the start of a connection is sent on purpose, on a raw
socket, since the library may leave one there.

    ha_replay.py HOST [PORT] [PASSWORD] -- HOST is a socket path or an address

Prints "ok: ..." or "FAILED: ..." for each check and exits 1 when one failed.
"""
import asyncio
import socket
import sys

import mpd
from mpd.asyncio import MPDClient

HOST = sys.argv[1]
PORT = int(sys.argv[2]) if len(sys.argv) > 2 and sys.argv[2] else 6600
PASSWORD = sys.argv[3] if len(sys.argv) > 3 and sys.argv[3] else None
# Generous: the machine running the tests is shared and may be slow.
WAIT_S = 20

failed = 0


def check(what, cond, detail=""):
    global failed
    if cond:
        print(f"ok: {what}")
    else:
        failed += 1
        print(f"FAILED: {what} {detail}")


class Connection:
    """Home Assistant's connection(): connect, password, use, disconnect."""

    def __init__(self):
        self.client = MPDClient()
        self.client.timeout = 30
        self.client.idletimeout = 10

    async def __aenter__(self):
        await asyncio.wait_for(self.client.connect(HOST, PORT), self.client.timeout + 5)
        if PASSWORD is not None:
            await self.client.password(PASSWORD)
        return self.client

    async def __aexit__(self, *exc):
        self.client.disconnect()


async def poll(with_lists):
    """One of Home Assistant's updates: what it reads and how it reads it."""
    async with Connection() as c:
        status = await c.status()
        song = await c.currentsong()
        playlists = None
        if with_lists:
            playlists = [p["playlist"] for p in await c.listplaylists()]
        commands = list(await c.commands())
    position = status.get("elapsed") or (status.get("time") or "").split(":")[0] or None
    return status, song, playlists, commands, position


def title(song):
    """Home Assistant's media_title."""
    name, t = song.get("name"), song.get("title")
    if name is None and t is None:
        return song.get("file", "None")
    if name is None or t is None:
        return name or t
    return f"{name}: {t}"


async def action(*cmds):
    """One action: a connection of its own, as Home Assistant's service calls have."""
    async with Connection() as c:
        for name, *args in cmds:
            await getattr(c, name)(*args)


async def wait_until(what, cond):
    """Polls as Home Assistant does (faster) until cond(status, song) holds."""
    status = song = None
    loop = asyncio.get_running_loop()
    end = loop.time() + WAIT_S
    while loop.time() < end:
        status, song, _, _, _ = await poll(False)
        if cond(status, song):
            check(what, True)
            return status, song
        await asyncio.sleep(0.2)
    check(what, False, f"status={status} song={song}")
    return status, song


def stray_noidle():
    """A connection that starts with noidle: MPD answers nothing to it."""
    s = socket.socket(socket.AF_UNIX if "/" in HOST else socket.AF_INET)
    s.settimeout(WAIT_S)
    s.connect(HOST if "/" in HOST else (HOST, PORT))
    f = s.makefile("rwb", buffering=0)
    greeting = f.readline()
    check("greeting: OK MPD 0.23.5", greeting == b"OK MPD 0.23.5\n", repr(greeting))
    lines = b"noidle\n"
    if PASSWORD is not None:
        lines += b'password "' + PASSWORD.encode() + b'"\n'
    f.write(lines + b"ping\n")
    answers = [f.readline() for _ in range(2 if PASSWORD is not None else 1)]
    check("a stray noidle gets no answer: the next line answers the next command",
          answers == [b"OK\n"] * len(answers), repr(answers))
    s.close()


async def main():
    stray_noidle()

    # The first update after Home Assistant starts: every list.
    status, song, playlists, commands, _ = await poll(True)
    check("status has what Home Assistant reads",
          all(k in status for k in ("state", "volume", "repeat", "single", "random")), status)
    check("listplaylists: the routines are the sources", "steady" in playlists and "rest" in playlists,
          playlists)
    check("commands: no albumart or readpicture, so no artwork is asked for",
          "albumart" not in commands and "readpicture" not in commands and "status" in commands)
    check("the player is off before anything is chosen", status["state"] == "stop", status)

    # Choosing a source: clear, load, play.
    await action(("clear",), ("load", "steady"), ("play",))
    status, song = await wait_until("select_source steady: the player plays",
                                    lambda st, so: st["state"] == "play")
    check("media_title: the routine and its step", title(song).startswith("Steady tones: "), song)
    check("media_artist: coach", song.get("artist") == "coach", song)
    check("media_album_name: the routine's title", song.get("album") == "Steady tones", song)
    check("media_content_id: the routine", song.get("file") == "steady", song)
    _, song = await wait_until("the session moves on to its breathing step",
                               lambda st, so: so.get("title") == "tones")
    status, _, _, _, pos = await poll(False)
    check("media_duration: time and duration agree, about 48 s",
          abs(int(song.get("time", "0")) - float(status["duration"])) <= 1 and
          40 < float(status["duration"]) < 60, (song, status))
    check("media_position: elapsed moves", pos is not None and float(pos) > 1.0, pos)

    # The actions of the media player card.
    await action(("pause", 1))
    await wait_until("media_pause: paused", lambda st, so: st["state"] == "pause")
    await action(("pause", 0))  # media_play when paused
    await wait_until("media_play: playing again", lambda st, so: st["state"] == "play")
    await action(("setvol", 40))
    await wait_until("volume_set 0.4: volume 40", lambda st, so: st["volume"] == "40")
    await action(("next",))
    await wait_until("media_next_track: the next step", lambda st, so: so.get("title") == "hello")
    await action(("previous",))
    await wait_until("media_previous_track: still that step", lambda st, so: so.get("title") == "hello")
    try:
        await action(("seekcur", 10.0))
        check("media_seek is refused", False)
    except mpd.CommandError as e:
        check("media_seek is refused with MPD's error", "Not seekable" in str(e), str(e))
    await action(("stop",))
    await wait_until("media_stop: off", lambda st, so: st["state"] == "stop")
    await action(("play",))  # turn_on: the loaded routine again
    await wait_until("turn_on: plays the chosen source again", lambda st, so: st["state"] == "play")
    await action(("stop",))
    await wait_until("turn_off: off", lambda st, so: st["state"] == "stop")

    # A source that does not exist: an error Home Assistant shows, and nothing changes.
    try:
        await action(("clear",), ("load", "nosuch"), ("play",))
        check("an unknown source is refused", False)
    except mpd.CommandError as e:
        check("an unknown source is refused: No such playlist", "No such playlist" in str(e), str(e))

    if PASSWORD is not None:
        c = MPDClient()
        await c.connect(HOST, PORT)
        try:
            await c.password(PASSWORD + "x")
            check("a wrong password is refused", False)
        except mpd.CommandError as e:
            check("a wrong password is refused: incorrect password", "incorrect password" in str(e),
                  str(e))
        c.disconnect()
        c = MPDClient()
        await c.connect(HOST, PORT)
        try:
            await c.status()
            check("no password: status is refused", False)
        except mpd.CommandError as e:
            check("no password: status is refused: permission", "permission" in str(e), str(e))
        c.disconnect()


asyncio.run(main())
print(f"{'ok' if failed == 0 else 'FAILED'}: the replay ({failed} failed)")
sys.exit(1 if failed else 0)
