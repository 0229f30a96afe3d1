"""Atomic persistence of the control plane: the emulator is SIGKILLed while clients are
writing, then restarted on the same data directory. Every change that was answered is
there, the state file is whole JSON, and nothing else appeared except the changes in
flight at the kill (at most one per client)."""

import json
import threading
import time

from botocore.exceptions import BotoCoreError, ClientError

from control_plane_helpers import RestartableEmulator, role_arn, write_config

CLIENTS = 4


def writer(emu, prefix, acked, stop):
    c = emu.client()
    i = 0
    while not stop.is_set():
        try:
            p = c.create_profile(name=f"{prefix} {i}", roleArns=[role_arn("r")], enabled=True,
                                 tags=[{"key": "writer", "value": prefix}])["profile"]
            c.tag_resource(resourceArn=p["profileArn"], tags=[{"key": "second", "value": str(i)}])
            acked.append((p["profileId"], i))
        except (ClientError, BotoCoreError, OSError):
            return
        i += 1


def listed_profiles(emu):
    c = emu.client()
    return {p["profileId"]: p for page in c.get_paginator("list_profiles").paginate() for p in page["profiles"]}


def test_kill_during_writes_loses_nothing_answered(tmp_path):
    emu = RestartableEmulator(tmp_path, write_config(tmp_path / "emulator.toml", {}, quotas={"profiles": 100000}))
    emu.start()
    try:
        for round_ in range(3):
            acked = {n: [] for n in range(CLIENTS)}
            stop = threading.Event()
            threads = [threading.Thread(target=writer, args=(emu, f"r{round_}w{n}", acked[n], stop)) for n in range(CLIENTS)]
            for t in threads:
                t.start()
            time.sleep(1.5 + 0.3 * round_)
            emu.stop(kill=True)  # SIGKILL: no flush, no cleanup
            stop.set()
            for t in threads:
                t.join(timeout=30)
            state = json.loads((emu.data_dir / "state.json").read_text())
            assert state["version"] == 1
            emu.start()
            profiles = listed_profiles(emu)
            c = emu.client()
            total = 0
            for n, done in acked.items():
                total += len(done)
                for profile_id, i in done:
                    assert profile_id in profiles, f"answered CreateProfile {profile_id} lost"
                    tags = {t["key"]: t["value"] for t in c.list_tags_for_resource(resourceArn=profiles[profile_id]["profileArn"])["tags"]}
                    assert tags == {"writer": f"r{round_}w{n}", "second": str(i)}
            assert total > 0
            mine = [p for p in profiles.values() if p["name"].startswith(f"r{round_}w")]
            assert total <= len(mine) <= total + CLIENTS
    finally:
        emu.stop(kill=False)


def test_a_failed_write_is_a_503_and_keeps_the_previous_state(tmp_path):
    emu = RestartableEmulator(tmp_path, write_config(tmp_path / "emulator.toml", {}))
    emu.start()
    try:
        c = emu.client()
        kept = c.create_profile(name="kept", roleArns=[role_arn("r")])["profile"]["profileId"]
        state = emu.data_dir / "state.json"
        saved = state.read_bytes()
        # The rename over state.json cannot succeed while a non-empty directory is there.
        state.unlink()
        state.mkdir()
        (state / "blocker").write_text("x")
        try:
            c.create_profile(name="lost", roleArns=[role_arn("r")])
            raise AssertionError("the write should have failed")
        except ClientError as e:
            assert e.response["Error"]["Code"] == "ServiceUnavailableException"
            assert e.response["ResponseMetadata"]["HTTPStatusCode"] == 503
        emu.stop(kill=True)
        (state / "blocker").unlink()
        state.rmdir()
        state.write_bytes(saved)
        emu.start()
        names = {p["profileId"]: p["name"] for p in emu.client().list_profiles()["profiles"]}
        assert kept in names and "lost" not in names.values()
    finally:
        emu.stop(kill=False)
