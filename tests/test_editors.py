"""Editor accounts, sign-in, rate limiting and the write guard."""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import io
import stat
import sys
import tomllib
from pathlib import Path

import pytest

from metrics import editors
from metrics.__main__ import main

OTHER_CONTENT = """# Bureau settings: keep this comment
[auth]
redirect_uri = "http://10.0.0.5:8501/oauth2callback"
cookie_secret = "s3cret"

[connections.other]
url = "x"
"""


def test_hash_stores_its_parameters_and_verifies_only_the_right_password(monkeypatch):
    monkeypatch.setattr(editors, "SCRYPT_N", 2**12)
    stored = editors.hash_password("correct horse")
    scheme, parameters, salt, digest = stored.split("$")
    assert scheme == "scrypt" and parameters == "n=4096,r=8,p=1" and salt and digest
    assert editors.verify_password("correct horse", stored)
    assert not editors.verify_password("correct horsE", stored)
    assert stored != editors.hash_password("correct horse")  # a fresh salt each time
    assert not editors.verify_password("x", "md5$abc") and not editors.verify_password("x", "")


def test_production_cost_is_owasp_minimum():
    assert editors.SCRYPT_N >= 2**17 and editors.SCRYPT_R >= 8


def test_add_keeps_the_rest_of_the_file_and_restricts_permissions(secrets_file: Path):
    secrets_file.write_text(OTHER_CONTENT, encoding="utf-8")
    assert editors.add_editor("jianghui", "correct horse", "江晖") is True
    content = secrets_file.read_text(encoding="utf-8")
    assert content.startswith(OTHER_CONTENT)  # untouched, comment included
    parsed = tomllib.loads(content)
    assert parsed["editors"]["jianghui"]["name"] == "江晖"
    assert parsed["auth"]["cookie_secret"] == "s3cret" and parsed["connections"]["other"]["url"] == "x"
    assert stat.S_IMODE(secrets_file.stat().st_mode) == 0o600
    assert not list(secrets_file.parent.glob(".secrets.toml.*.tmp"))


def test_adding_again_changes_the_password_and_keeps_the_name(secrets_file: Path):
    editors.add_editor("jianghui", "first password", "江晖")
    assert editors.add_editor("jianghui", "second password") is False
    account = editors.accounts()["jianghui"]
    assert account.display_name == "江晖"
    assert editors.verify_password("second password", account.password_hash)


def test_remove(secrets_file: Path):
    editors.add_editor("jianghui", "correct horse", "江晖")
    editors.add_editor("wangfang", "another one", "王芳")
    assert editors.remove_editor("jianghui") is True
    assert list(editors.accounts()) == ["wangfang"]
    assert editors.remove_editor("jianghui") is False


@pytest.mark.parametrize("name", ["江晖", "Jianghui", "j", "a b", "x" * 40, "1abc", 'a"]\n[x'])
def test_refuses_account_names_that_are_not_short_pinyin(secrets_file: Path, name: str):
    with pytest.raises(editors.EditorError) as refused:
        editors.add_editor(name, "correct horse")
    assert "账号名" in refused.value.message("zh") and "Invalid account name" in refused.value.message("en")
    assert not secrets_file.exists()


def test_refuses_short_passwords(secrets_file: Path):
    with pytest.raises(editors.EditorError, match="at least 8"):
        editors.add_editor("jianghui", "short")


# ---------- command line ----------


def test_cli_add_from_stdin_list_and_remove(secrets_file: Path, monkeypatch, capsys):
    monkeypatch.setattr(sys, "stdin", io.StringIO("correct horse\n"))
    assert main(["editors", "add", "jianghui", "--display-name", "江晖", "--password-stdin"]) == 0
    out = capsys.readouterr().out
    assert "已添加编辑账号 jianghui（江晖）" in out and "Added editor account jianghui" in out
    assert editors.authenticate("jianghui", "correct horse") is not None
    assert main(["editors", "list"]) == 0
    assert "jianghui　江晖" in capsys.readouterr().out
    assert main(["editors", "remove", "jianghui"]) == 0
    assert "已删除" in capsys.readouterr().out
    assert main(["editors", "remove", "jianghui"]) == 1
    assert "没有名为 jianghui" in capsys.readouterr().err


def test_cli_prompts_twice_and_refuses_a_mismatch(secrets_file: Path, monkeypatch, capsys):
    answers = iter(["correct horse", "correct hörse"])
    monkeypatch.setattr("getpass.getpass", lambda prompt: next(answers))
    assert main(["editors", "add", "jianghui"]) == 1
    assert "两次输入的密码不一致" in capsys.readouterr().err
    assert editors.accounts() == {}
    answers = iter(["correct horse", "correct horse"])
    assert main(["editors", "add", "jianghui"]) == 0
    assert editors.accounts()["jianghui"].display_name == "jianghui"


def test_cli_refuses_a_bad_name_before_asking_for_a_password(secrets_file: Path, monkeypatch, capsys):
    monkeypatch.setattr("getpass.getpass", lambda prompt: pytest.fail("asked for a password"))
    assert main(["editors", "add", "江晖"]) == 1
    assert "账号名" in capsys.readouterr().err


def test_cli_list_without_accounts(secrets_file: Path, capsys):
    assert main(["editors", "list"]) == 0
    assert "尚未设置编辑账号" in capsys.readouterr().out


# ---------- sign-in and rate limiting ----------


def test_authenticate(secrets_file: Path):
    editors.add_editor("jianghui", "correct horse", "江晖")
    signed_in = editors.authenticate(" JiangHui ", "correct horse", "10.1.1.1")
    assert signed_in.username == "jianghui" and signed_in.display_name == "江晖"
    assert editors.authenticate("jianghui", "wrong password", "10.1.1.1") is None
    assert editors.authenticate("nobody", "correct horse", "10.1.1.1") is None


class Clock:
    def __init__(self):
        self.now = 1_000_000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock(monkeypatch) -> Clock:
    clock = Clock()
    monkeypatch.setattr(editors, "limiter", editors.LoginLimiter(clock=clock))
    return clock


def test_five_failures_lock_that_user_from_that_address_only(secrets_file, clock):
    editors.add_editor("jianghui", "correct horse", "江晖")
    for attempt in range(5):
        assert editors.authenticate("jianghui", f"guess {attempt}", "10.6.6.6") is None
        clock.now += 60
    with pytest.raises(editors.LoginRefused) as refused:
        editors.authenticate("jianghui", "correct horse", "10.6.6.6")
    # the first failure was 5 minutes ago: it leaves the 15-minute window in 10 minutes
    assert refused.value.retry_after == 600 and refused.value.minutes == 10
    assert "10分钟后再试" in refused.value.message("zh") and "10 minute" in refused.value.message("en")
    # the editor at their own desk is not locked out by a stranger's guesses (issue 13)
    assert editors.authenticate("jianghui", "correct horse", "10.1.1.1") is not None
    assert editors.authenticate("wangfang", "whatever", "10.6.6.6") is None  # other users: not locked
    clock.now += 9 * 60
    with pytest.raises(editors.LoginRefused) as refused:
        editors.authenticate("jianghui", "correct horse", "10.6.6.6")
    assert refused.value.minutes == 1
    clock.now += 60
    assert editors.authenticate("jianghui", "correct horse", "10.6.6.6") is not None


def test_failures_from_one_address_over_many_users_lock_that_address(secrets_file, clock):
    editors.add_editor("jianghui", "correct horse", "江晖")
    for attempt in range(editors.MAX_ADDRESS_FAILURES):
        assert editors.authenticate(f"user{attempt}", "guess", "10.9.9.9") is None
    with pytest.raises(editors.LoginRefused):
        editors.authenticate("jianghui", "correct horse", "10.9.9.9")
    assert editors.authenticate("jianghui", "correct horse", "10.1.1.1") is not None


def test_each_attempt_is_counted_before_its_password_is_checked(secrets_file, monkeypatch):
    """A locked-out attempt never reaches scrypt, and the count is taken before the check runs."""
    editors.add_editor("jianghui", "correct horse", "江晖")
    checked, counted_first = [], []

    def slow_check(password, stored):
        counted_first.append(len(editors.limiter._failures.get("pair:jianghui|10.6.6.6", ())))
        checked.append(password)
        return False

    monkeypatch.setattr(editors, "verify_password", slow_check)
    for attempt in range(8):
        with contextlib.suppress(editors.LoginRefused):
            editors.authenticate("jianghui", f"guess {attempt}", "10.6.6.6")
    assert len(checked) == editors.MAX_FAILURES
    assert counted_first == [1, 2, 3, 4, 5]


def test_parallel_attempts_check_at_most_the_limit_and_one_at_a_time(secrets_file, monkeypatch):
    """40 parallel attempts for one account used to check 33 passwords (128 MiB each) at once."""
    import threading
    import time
    from concurrent.futures import ThreadPoolExecutor

    editors.add_editor("jianghui", "correct horse", "江晖")
    monkeypatch.setattr(editors, "gate", editors.CheckGate(limit=1, wait=5))
    running, peak, checked = [0], [0], []
    lock = threading.Lock()

    def slow_check(password, stored):
        with lock:
            running[0] += 1
            peak[0] = max(peak[0], running[0])
        time.sleep(0.02)
        with lock:
            running[0] -= 1
            checked.append(password)
        return False

    monkeypatch.setattr(editors, "verify_password", slow_check)

    def attempt(number: int) -> str:
        try:
            return "wrong" if editors.authenticate("jianghui", f"guess {number}", "10.6.6.6") is None else "in"
        except editors.LoginRefused as refused:
            return refused.key

    with ThreadPoolExecutor(40) as pool:
        outcomes = list(pool.map(attempt, range(40)))
    assert peak[0] == 1 and len(checked) <= editors.MAX_FAILURES
    assert set(outcomes) <= {"wrong", "editors.too_many_attempts", "security.sign_in_busy"}
    # other accounts wait their turn for the one slot rather than running beside the flood
    assert editors.authenticate("wangfang", "x", "10.1.1.1") is None


def test_a_success_clears_the_users_failures(secrets_file, clock):
    editors.add_editor("jianghui", "correct horse", "江晖")
    for _ in range(4):
        editors.authenticate("jianghui", "typo", "10.1.1.1")
    assert editors.authenticate("jianghui", "correct horse", "10.1.1.1") is not None
    for _ in range(4):
        editors.authenticate("jianghui", "typo", "10.1.1.1")
    assert editors.authenticate("jianghui", "correct horse", "10.1.1.1") is not None
    assert len(editors.limiter._failures["client:10.1.1.1"]) == 8  # the successes are not counted


def test_failures_older_than_the_window_do_not_count(secrets_file, clock):
    editors.add_editor("jianghui", "correct horse", "江晖")
    for _ in range(4):
        editors.authenticate("jianghui", "typo", "")
    clock.now += editors.WINDOW.total_seconds() + 1
    for _ in range(4):
        editors.authenticate("jianghui", "typo", "")
    assert editors.authenticate("jianghui", "correct horse", "") is not None


def test_limiter_is_thread_safe():
    from concurrent.futures import ThreadPoolExecutor

    limiter = editors.LoginLimiter(max_failures=1000)
    with ThreadPoolExecutor(8) as pool:
        list(pool.map(lambda _: limiter.failed(["user:x"]), range(800)))
    assert len(limiter._failures["user:x"]) == 800


# ---------- the write guard ----------


def test_verify_accepts_a_genuine_sign_in_with_the_current_display_name(editor, secrets_file):
    assert editors.verify(editor).display_name == "江晖"
    renamed = secrets_file.read_text(encoding="utf-8").replace('name = "江晖"', 'name = "江晖（信息化科）"')
    secrets_file.write_text(renamed, encoding="utf-8")  # the administrator renames; the password is unchanged
    assert editors.verify(editor).display_name == "江晖（信息化科）"


@pytest.mark.parametrize("forged", ["江晖", "jianghui", {"username": "jianghui"}, None, 0])
def test_verify_refuses_what_a_viewer_could_put_in_session_state(editor, forged):
    with pytest.raises(editors.NotAuthorised) as refused:
        editors.verify(forged)
    assert "没有登录为编辑人员" in refused.value.message("zh")


def test_verify_refuses_a_made_up_or_altered_token(editor):
    with pytest.raises(editors.NotAuthorised):
        editors.verify(editors.Editor("jianghui", "江晖", "abc.def", editor.expires_at))
    body, signature = editor.token.split(".")
    with pytest.raises(editors.NotAuthorised):
        editors.verify(dataclasses.replace(editor, token=f"{body}x.{signature}"))
    with pytest.raises(editors.NotAuthorised):  # a genuine token presented under another name
        editors.add_editor("wangfang", "another one", "王芳")
        editors.verify(dataclasses.replace(editor, username="wangfang"))


def test_tokens_from_another_server_process_do_not_verify(editor, monkeypatch):
    monkeypatch.setattr(editors, "_signing_key", [b"another process's key"])
    with pytest.raises(editors.NotAuthorised):
        editors.verify(editor)


def test_verify_refuses_an_expired_sign_in(editor):
    later = dt.datetime.now(dt.UTC) + editors.TOKEN_LIFETIME + dt.timedelta(seconds=1)
    with pytest.raises(editors.NotAuthorised) as refused:
        editors.verify(editor, now=later)
    assert "登录已过期" in refused.value.message("zh")


def test_removing_the_account_or_changing_its_password_ends_the_sign_in(editor):
    editors.add_editor("jianghui", "a new password")
    with pytest.raises(editors.NotAuthorised) as refused:
        editors.verify(editor)
    assert "密码已更改" in refused.value.message("zh")
    fresh = editors.authenticate("jianghui", "a new password")
    editors.remove_editor("jianghui")
    with pytest.raises(editors.NotAuthorised):
        editors.verify(fresh)


def test_sign_out_ends_the_sign_in_server_side(editor):
    editors.sign_out(editor)
    with pytest.raises(editors.NotAuthorised) as refused:
        editors.verify(editor)
    assert "已退出登录" in refused.value.message("zh")


# ---------- OpenID Connect ----------

PROVIDER = 'client_id = "d"\nclient_secret = "s"\nserver_metadata_url = "https://idp/x"\n'
OIDC = """[auth]
redirect_uri = "http://10.0.0.5:8501/oauth2callback"
cookie_secret = "a long random string"
"""


@pytest.mark.parametrize(
    ("content", "provider"),
    [
        ("", None),
        (OIDC, None),  # shared settings but no provider
        (OIDC + PROVIDER, "default"),
        (OIDC + "[auth.bureau]\n" + PROVIDER, "bureau"),
        (OIDC + '[auth.bureau]\nclient_id = "d"\nserver_metadata_url = "https://idp/x"\n', None),  # no secret
        ('[auth]\nclient_id = "d"\nclient_secret = "s"\nserver_metadata_url = "https://idp/x"\n', None),
    ],
)
def test_oidc_provider_needs_the_shared_settings_and_one_complete_provider(secrets_file, content, provider):
    secrets_file.write_text(content, encoding="utf-8")
    assert editors.oidc_provider() == provider


def test_is_oidc_configured_also_needs_authlib(secrets_file, monkeypatch):
    secrets_file.write_text(
        OIDC + 'client_id = "d"\nclient_secret = "s"\nserver_metadata_url = "https://idp/x"\n', encoding="utf-8"
    )
    monkeypatch.setattr("importlib.util.find_spec", lambda name: object() if name == "authlib" else None)
    editors._authlib_installed.cache_clear()  # looked up once per process; here, as in a fresh one
    assert editors.is_oidc_configured()
    monkeypatch.setattr("importlib.util.find_spec", lambda name: None)
    editors._authlib_installed.cache_clear()
    assert not editors.is_oidc_configured()
    editors._authlib_installed.cache_clear()  # the next test sees this machine's own answer


def test_authenticate_oidc_maps_a_verified_email_to_an_account(secrets_file):
    editors.add_editor("jianghui", "correct horse", "江晖", email="JiangHui@hs.gov.cn")
    signed_in = editors.authenticate_oidc("jianghui@hs.gov.cn")
    assert signed_in.username == "jianghui" and editors.verify(signed_in).display_name == "江晖"
    assert editors.authenticate_oidc("someone@else.cn") is None and editors.authenticate_oidc("") is None


def test_a_sign_in_bound_to_a_browser_writes_only_when_that_browser_presents_its_secret(secrets_file):
    """A stolen session id carries the Editor but not the browser's cookie (issue 13)."""
    editors.add_editor("jianghui", "correct horse", "江晖")
    signed_in = editors.authenticate("jianghui", "correct horse", "10.1.1.1", browser="cookie-of-the-editor")
    assert "cookie-of-the-editor" not in signed_in.token and signed_in.browser == ""
    assert editors.verify(editors.presented(signed_in, "cookie-of-the-editor")).username == "jianghui"
    for other in ("", "cookie-of-someone-else"):
        with pytest.raises(editors.NotAuthorised) as refused:
            editors.verify(editors.presented(signed_in, other))
        assert refused.value.key == "security.other_browser"
    with pytest.raises(editors.NotAuthorised):
        editors.verify(signed_in)  # as kept in session state: no secret at all
    assert editors.presented("jianghui", "cookie-of-the-editor") == "jianghui"  # a forgery stays a forgery


def test_secrets_are_parsed_once_per_version_of_the_file_and_an_edit_by_hand_counts_at_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    """Every page view reads secrets.toml (single sign-on configured? the editor's account still there?):
    one parse per version of the file, and any change, even in place, is read at once."""
    path = tmp_path / "secrets.toml"
    editors.add_editor("zhangsan", "correct horse battery", path=path)
    editors.add_editor("lisi", "correct horse battery", path=path)
    parses: list[object] = []
    real_load = tomllib.load
    monkeypatch.setattr(tomllib, "load", lambda handle: parses.append(handle) or real_load(handle))
    assert set(editors.accounts(path)) == {"zhangsan", "lisi"}
    assert set(editors.accounts(path)) == {"zhangsan", "lisi"}
    assert editors.oidc_provider(path) is None
    assert len(parses) == 1
    text = path.read_text(encoding="utf-8")
    with open(path, "r+", encoding="utf-8") as handle:  # in place: same file, as some editors save
        handle.write(text.replace("[editors.lisi]", "[editors.wang]"))  # the same size
    assert set(editors.accounts(path)) == {"zhangsan", "wang"}
    path.unlink()
    assert editors.accounts(path) == {}


def test_a_secrets_file_broken_by_hand_is_named_by_line_and_column_and_never_rewritten(secrets_file, capsys):
    broken = '[editors.jianghui\nname = "江晖"\n'
    secrets_file.write_text(broken, encoding="utf-8")
    for command in (["editors", "list"], ["editors", "remove", "jianghui"]):
        assert main(command) == 1
        assert "secrets.toml 第1行第18列有误" in capsys.readouterr().err
    assert secrets_file.read_text(encoding="utf-8") == broken
    with pytest.raises(editors.SecretsUnreadable):
        editors.authenticate("jianghui", "correct horse", "127.0.0.1")
    assert editors.oidc_provider() is None  # single sign-on off until it is mended; nothing raised
