"""roles-anywhere under faults, end to end: a CONNECT proxy from HTTPS_PROXY (and NO_PROXY
bypassing it), a bad CA file, no CA at all, the service gone, and the exit codes and
messages of the official helper (exit 1, message on stderr, nothing on stdout)."""

import json
import socket

from cli_helpers import ConnectProxy, clean_env, cred_flags, run_cli


def test_with_proxy_tunnels_through_https_proxy_and_no_proxy_bypasses(emulator, tmp_path):
    proxy = ConnectProxy()
    try:
        env = clean_env(tmp_path, HTTPS_PROXY=proxy.url)
        out = run_cli(["credential-process", *cred_flags(emulator), "--with-proxy"], env)
        assert out.returncode == 0, out.stderr
        assert json.loads(out.stdout)["Version"] == 1
        assert len(proxy.tunnels) == 1
        env["NO_PROXY"] = "127.0.0.1"
        out = run_cli(["credential-process", *cred_flags(emulator), "--with-proxy"], env)
        assert out.returncode == 0, out.stderr
        assert len(proxy.tunnels) == 1, "NO_PROXY was not honoured"
        # Without --with-proxy the helper ignores the proxy variables, and so do we.
        del env["NO_PROXY"]
        out = run_cli(["credential-process", *cred_flags(emulator)], env)
        assert out.returncode == 0 and len(proxy.tunnels) == 1
    finally:
        proxy.close()


def test_bad_ca_and_missing_ca(emulator, tmp_path):
    flags = cred_flags(emulator)
    bad = tmp_path / "bad-ca.pem"
    bad.write_text("-----BEGIN CERTIFICATE-----\nnot base64!\n-----END CERTIFICATE-----\n")
    i = flags.index("--ca-bundle")
    out = run_cli(["credential-process", *flags[:i + 1], str(bad), *flags[i + 2:]], clean_env(tmp_path))
    assert out.returncode == 1 and out.stdout == ""
    assert "invalid_ca_bundle" in out.stderr
    # No CA for the emulator: the TLS failure says what to check.
    out = run_cli(["credential-process", *flags[:i], *flags[i + 2:]], clean_env(tmp_path))
    assert out.returncode == 1 and out.stdout == ""
    assert "[tls]" in out.stderr and "CA bundle" in out.stderr, out.stderr
    # AWS_CA_BUNDLE is read when no flag is given.
    out = run_cli(["credential-process", *flags[:i], *flags[i + 2:]],
                  clean_env(tmp_path, AWS_CA_BUNDLE=emulator["ca_bundle"]))
    assert out.returncode == 0, out.stderr


def test_service_gone(emulator, tmp_path):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        dead = s.getsockname()[1]
    flags = cred_flags(emulator)
    i = flags.index("--endpoint")
    flags[i + 1] = f"https://127.0.0.1:{dead}"
    out = run_cli(["credential-process", *flags], clean_env(tmp_path))
    assert out.returncode == 1 and out.stdout == ""
    assert "[connection]" in out.stderr, out.stderr


def test_untrusted_identity_error_says_what_to_check(emulator, tmp_path):
    # The emulator's root CA as the leaf: not an end-entity certificate of the anchor.
    flags = cred_flags(emulator)
    flags[flags.index("--certificate") + 1] = emulator["root_ca"]
    flags[flags.index("--private-key") + 1] = emulator["root_ca_key"]
    out = run_cli(["credential-process", *flags], clean_env(tmp_path))
    assert out.returncode == 1 and out.stdout == ""
    assert "service_error" in out.stderr and "hint:" in out.stderr, out.stderr
