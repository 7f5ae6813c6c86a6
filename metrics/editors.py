"""Who may change targets and progress from the browser: accounts, passwords, sign-in and the write guard.

Accounts live in `.streamlit/secrets.toml` (git-ignored), one table per account:

    [editors.jianghui]
    name = "江晖"
    password_hash = "scrypt$n=131072,r=8,p=1$<salt>$<hash>"

Passwords are hashed with scrypt (standard library) and a random salt; the cost parameters are stored in the
hash so they can be raised later without invalidating old accounts.

Signing in (`authenticate`) returns an `Editor` carrying a token signed with a key that exists only in this
server process's memory. Every write function checks that token again at the moment of writing, and checks
that the account still exists with the same password, so neither a forged name in session state nor an
account removed in the meantime can write. Tokens die with the process (a restart means signing in again).

A sign-in is bound to the browser that made it: the token carries a hash of a secret the browser holds as
an HttpOnly cookie (set by the launcher, ui/serve.py), and a write verifies the cookie of the connection
that asks for it (`presented`). A Streamlit session id (which travels in upload URLs and log lines) lets
another websocket resume the session, but that websocket does not carry the editor's cookie, so it
cannot save (issue 13).

Failed sign-ins are limited per (user name, client address) pair and per address: after MAX_FAILURES for
the pair (or MAX_ADDRESS_FAILURES from the address) within WINDOW, that pair (or address) is refused for
the rest of the window without checking the password, while the right password from another address still
signs in: a stranger cannot lock an editor out. Each attempt is counted before its password is checked,
and at most MAX_CONCURRENT_CHECKS checks (128 MiB each) run at once, one per account, so a flood of
parallel attempts neither slips past the limit nor exhausts memory. The limiter is in-process memory
(thread-safe), which fits the one Streamlit server process this dashboard runs as.
"""

from __future__ import annotations

import base64
import collections
import contextlib
import dataclasses
import datetime as dt
import fcntl
import functools
import hashlib
import hmac
import importlib.util
import json
import math
import os
import re
import secrets as random_secrets
import threading
import time
import tomllib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import tomlkit

from metrics import paths
from metrics.i18n import text

TABLE = "editors"
USERNAME = re.compile(r"^[a-z][a-z0-9_-]{1,31}$")
MIN_PASSWORD_LENGTH = 8

# scrypt cost: 2**17 × 8 × 128 bytes = 128 MiB and about 0.3 s per check on the office server (OWASP's
# minimum for scrypt). Tests lower it; existing hashes keep the parameters they were made with.
SCRYPT_N = 2**17
SCRYPT_R = 8
SCRYPT_P = 1
_SCRYPT_MAXMEM = 2**30

MAX_FAILURES = 5  # per (user name, address) pair
MAX_ADDRESS_FAILURES = 20  # per address, over every user name
MAX_CONCURRENT_CHECKS = 1  # scrypt checks at once in the whole process: 128 MiB each
CHECK_WAIT_SECONDS = 10.0  # how long an attempt waits for its turn before it is refused as busy
WINDOW = dt.timedelta(minutes=15)
TOKEN_LIFETIME = dt.timedelta(hours=8)  # a working day; after that the editor signs in again


class EditorError(ValueError):
    """A refused account change or sign-in, with its message in both languages."""

    def __init__(self, key: str, **fields: object):
        self.key, self.fields = key, fields
        super().__init__(self.message("en"))

    def message(self, lang: str = "zh") -> str:
        """The reason, in one language."""
        return text(self.key, lang, **self.fields)


class NotAuthorised(EditorError):
    """A write was attempted without a valid, current editor sign-in."""

    def __init__(self, reason: str = "editors.not_authorised"):
        super().__init__(reason)


class SecretsUnreadable(NotAuthorised):
    """secrets.toml cannot be read as TOML (a hand edit gone wrong): no one can sign in or save until it is
    mended; viewers' pages do not depend on it."""

    def __init__(self, path: Path, error: tomllib.TOMLDecodeError):
        place = re.search(r"at line (\d+), column (\d+)", str(error))
        line, column = place.groups() if place else ("?", "?")
        EditorError.__init__(self, "editors.secrets_unreadable", file=path.name, line=line, column=column)


class LoginRefused(EditorError):
    """Too many failed sign-ins for this user name or client: wait before trying again."""

    def __init__(self, retry_after: float, key: str = "editors.too_many_attempts"):
        self.retry_after = retry_after
        super().__init__(key, minutes=self.minutes)

    @property
    def minutes(self) -> int:
        """Whole minutes to wait, rounded up, at least 1."""
        return max(1, math.ceil(self.retry_after / 60))


@dataclass(frozen=True)
class Account:
    """An editor account as stored in secrets.toml."""

    username: str
    display_name: str
    password_hash: str
    email: str = ""


@dataclass(frozen=True)
class Editor:
    """A signed-in editor. Only `authenticate` (or `authenticate_oidc`) makes valid ones; writes verify `token`."""

    username: str
    display_name: str
    token: str = field(repr=False)
    expires_at: dt.datetime
    # The browser secret of the connection asking to write (see `presented`); never kept in session state.
    browser: str = field(default="", repr=False, compare=False)


# ---------- the secrets file ----------


_DEFAULT_SECRETS = paths.PROJECT_ROOT / ".streamlit" / "secrets.toml"


def secrets_path() -> Path:
    """Where accounts live: DASHBOARD_SECRETS if set (tests, a second site), else .streamlit/secrets.toml."""
    return Path(os.environ.get("DASHBOARD_SECRETS", _DEFAULT_SECRETS))


_parsed_secrets: dict[str, tuple[tuple[int, ...], dict]] = {}  # path → (the file's identity, its content)


def _read_secrets(path: Path | None = None) -> dict:
    """secrets.toml as parsed (not to be changed by the caller); {} if there is none.

    Every page view asks it (is single sign-on configured? does this editor's account still stand?).
    It is parsed again whenever the file is replaced or written (its inode, size, modification or change
    time differ), so a removed account stops working at once; otherwise the last parse is reused.
    """
    path = path or secrets_path()
    try:
        status = os.stat(path)
    except FileNotFoundError:
        return {}
    identity = (status.st_ino, status.st_size, status.st_mtime_ns, status.st_ctime_ns)
    kept = _parsed_secrets.get(str(path))
    if kept is not None and kept[0] == identity:
        return kept[1]
    # Stat first, read after: a change in between leaves a newer content under the older identity,
    # which the next call's stat no longer matches, so it is read again.
    with open(path, "rb") as handle:
        try:
            content = tomllib.load(handle)
        except tomllib.TOMLDecodeError as error:
            raise SecretsUnreadable(path, error) from None  # not kept: read again once mended
    _parsed_secrets[str(path)] = (identity, content)
    return content


def accounts(path: Path | None = None) -> dict[str, Account]:
    """Every editor account, by user name, read fresh from the file (so a removal takes effect at once)."""
    table = _read_secrets(path).get(TABLE, {})
    found = {}
    for username, entry in table.items():
        if isinstance(entry, dict) and entry.get("password_hash"):
            found[username] = Account(
                username=username,
                display_name=str(entry.get("name") or username),
                password_hash=str(entry["password_hash"]),
                email=str(entry.get("email", "")),
            )
    return found


@contextlib.contextmanager
def _secrets_lock(path: Path) -> Iterator[None]:
    """One account change at a time; the lock file sits beside secrets.toml (the file itself is replaced)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path.with_name(f".{path.name}.lock"), "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _write_secrets(path: Path, document: tomlkit.TOMLDocument) -> None:
    """Replace the file atomically, readable by its owner only, keeping everything tomlkit preserved."""
    data = tomlkit.dumps(document).encode("utf-8")
    tomllib.loads(data.decode("utf-8"))  # never write a file Streamlit could not read back
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(temporary, path)


def _load_document(path: Path) -> tomlkit.TOMLDocument:
    _read_secrets(path)  # a file broken by hand: refused with its line and column, never rewritten
    return tomlkit.parse(path.read_text(encoding="utf-8")) if path.exists() else tomlkit.document()


def add_editor(username: str, password: str, display_name: str = "", email: str = "", path: Path | None = None) -> bool:
    """Create an account, or set a new password (and name) for an existing one; True if it was new.

    Other content of secrets.toml (comments, [auth], other tables) is kept as it was.
    """
    check_username(username)
    check_password(password)
    path = path or secrets_path()
    with _secrets_lock(path):
        document = _load_document(path)
        if TABLE not in document:
            document.add(TABLE, tomlkit.table(is_super_table=True))
        table = document[TABLE]
        is_new = username not in table
        entry = table[username] if not is_new else tomlkit.table()
        entry["name"] = display_name or (entry.get("name") if not is_new else "") or username
        entry["password_hash"] = hash_password(password)
        if email:
            entry["email"] = email
        if is_new:
            table.add(username, entry)
        _write_secrets(path, document)
    return is_new


def remove_editor(username: str, path: Path | None = None) -> bool:
    """Delete an account; its signed-in sessions stop being able to write at once. False if there was none."""
    path = path or secrets_path()
    with _secrets_lock(path):
        document = _load_document(path)
        table = document.get(TABLE)
        if table is None or username not in table:
            return False
        del table[username]
        _write_secrets(path, document)
    return True


def check_username(username: str) -> None:
    """Account names are short lower-case ASCII (pinyin), so they are safe as TOML keys and in logs."""
    if not USERNAME.match(username):
        raise EditorError("editors.bad_username", value=username)


def check_password(password: str) -> None:
    """At least MIN_PASSWORD_LENGTH characters."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise EditorError("editors.short_password", length=MIN_PASSWORD_LENGTH)


# ---------- password hashes ----------


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode("ascii").rstrip("=")


def _unb64(data: str) -> bytes:
    return base64.urlsafe_b64decode(data + "=" * (-len(data) % 4))


def hash_password(password: str) -> str:
    """'scrypt$n=...,r=...,p=...$salt$hash' with a fresh random salt."""
    salt = random_secrets.token_bytes(16)
    digest = hashlib.scrypt(
        password.encode("utf-8"), salt=salt, n=SCRYPT_N, r=SCRYPT_R, p=SCRYPT_P, maxmem=_SCRYPT_MAXMEM, dklen=32
    )
    return f"scrypt$n={SCRYPT_N},r={SCRYPT_R},p={SCRYPT_P}${_b64(salt)}${_b64(digest)}"


def verify_password(password: str, stored: str) -> bool:
    """Whether `password` matches a stored hash; constant-time comparison; False for a malformed hash."""
    try:
        scheme, parameters, salt, expected = stored.split("$")
        settings = dict(item.split("=") for item in parameters.split(","))
        n, r, p = int(settings["n"]), int(settings["r"]), int(settings["p"])
        if scheme != "scrypt":
            return False
        digest = hashlib.scrypt(
            password.encode("utf-8"), salt=_unb64(salt), n=n, r=r, p=p, maxmem=_SCRYPT_MAXMEM, dklen=32
        )
    except (ValueError, KeyError):
        return False
    return hmac.compare_digest(digest, _unb64(expected))


_DUMMY_HASH: list[str] = []


def _dummy_hash() -> str:
    """A hash to check unknown user names against, so they take as long as known ones."""
    if not _DUMMY_HASH:
        _DUMMY_HASH.append(hash_password(random_secrets.token_urlsafe(16)))
    return _DUMMY_HASH[0]


# ---------- rate limiting ----------


class LoginLimiter:
    """Counts failed sign-ins per key within a sliding window; thread-safe, in this process's memory.

    A key is "pair:USER|ADDRESS" (limit `max_failures`) or "client:ADDRESS" (limit `max_address_failures`);
    any other key has the limit `max_failures`.
    """

    def __init__(
        self,
        max_failures: int = MAX_FAILURES,
        window: dt.timedelta = WINDOW,
        clock: Callable[[], float] = time.time,
        max_address_failures: int = MAX_ADDRESS_FAILURES,
    ):
        self.max_failures, self.window, self.clock = max_failures, window.total_seconds(), clock
        self.max_address_failures = max_address_failures
        self._failures: dict[str, collections.deque[float]] = {}
        self._lock = threading.Lock()

    def _limit(self, key: str) -> int:
        return self.max_address_failures if key.startswith("client:") else self.max_failures

    def _recent(self, key: str, now: float) -> collections.deque[float]:
        failures = self._failures.get(key, collections.deque())
        while failures and failures[0] <= now - self.window:
            failures.popleft()
        if not failures:
            self._failures.pop(key, None)
        return failures

    def _wait(self, keys: list[str], now: float) -> float:
        waits = []
        for key in keys:
            failures, limit = self._recent(key, now), self._limit(key)
            if len(failures) >= limit:
                # locked until the failure that filled the quota leaves the window
                waits.append(failures[-limit] + self.window - now)
        return max(waits, default=0.0)

    def retry_after(self, keys: list[str]) -> float:
        """Seconds until any of `keys` may try again (0 if none is locked out)."""
        with self._lock:
            return self._wait(keys, self.clock())

    def attempt(self, keys: list[str]) -> float:
        """Count one attempt as failed against every key before its password is checked, unless a key is
        locked out: then nothing is counted and the seconds to wait are returned (0 when counted).

        Checking and counting in one step means parallel attempts cannot all pass the check before any of
        them is recorded (40 at once used to check 33 passwords against a limit of 5)."""
        now = self.clock()
        with self._lock:
            wait = self._wait(keys, now)
            if wait > 0:
                return wait
            for key in keys:
                failures = self._recent(key, now)
                failures.append(now)
                self._failures[key] = failures
            return 0.0

    def failed(self, keys: list[str]) -> None:
        """Record one failed attempt against every key."""
        now = self.clock()
        with self._lock:
            for key in keys:
                failures = self._recent(key, now)
                failures.append(now)
                self._failures[key] = failures

    def succeeded(self, key: str, counted: list[str] = ()) -> None:
        """Forget a key's failures (the pair, after a correct password) and take back the one attempt
        counted in advance against each of `counted` (the address)."""
        with self._lock:
            self._failures.pop(key, None)
            for other in counted:
                failures = self._failures.get(other)
                if failures:
                    failures.pop()
                    if not failures:
                        self._failures.pop(other, None)


class CheckGate:
    """At most `limit` password checks at once in the process and one at a time per account.

    A check costs 128 MiB and ~0.3 s; without a bound, 40 parallel attempts peaked at 5.2 GB."""

    def __init__(self, limit: int = MAX_CONCURRENT_CHECKS, wait: float = CHECK_WAIT_SECONDS):
        self._slots = threading.BoundedSemaphore(limit)
        self._busy: set[str] = set()
        self._lock = threading.Lock()
        self.wait = wait

    @contextlib.contextmanager
    def turn(self, account: str) -> Iterator[None]:
        """Hold a slot for one check of `account`; LoginRefused ('busy') if the account is being checked
        already or no slot frees up within `wait` seconds."""
        with self._lock:
            if account in self._busy:
                raise LoginRefused(60, "security.sign_in_busy")
            self._busy.add(account)
        try:
            if not self._slots.acquire(timeout=self.wait):
                raise LoginRefused(60, "security.sign_in_busy")
            try:
                yield
            finally:
                self._slots.release()
        finally:
            with self._lock:
                self._busy.discard(account)


gate = CheckGate()
limiter = LoginLimiter()


# ---------- sign-in and tokens ----------

_signing_key: list[bytes] = []
_signing_lock = threading.Lock()
_revoked: set[str] = set()


def _key() -> bytes:
    """The token signing key: random, made on first use, never written anywhere."""
    with _signing_lock:
        if not _signing_key:
            _signing_key.append(random_secrets.token_bytes(32))
        return _signing_key[0]


def _password_tag(account: Account) -> str:
    """Binds a token to the password it was issued for: a new password ends old sessions."""
    return hashlib.sha256(account.password_hash.encode()).hexdigest()[:16]


def _browser_tag(browser: str) -> str:
    """What a token keeps of the browser secret: a hash, so the token (in session state) does not carry it."""
    return hmac.new(_key(), b"browser:" + browser.encode(), hashlib.sha256).hexdigest()[:32]


def _issue(account: Account, now: dt.datetime, browser: str = "") -> Editor:
    expires = now + TOKEN_LIFETIME
    payload = {
        "u": account.username,
        "p": _password_tag(account),
        "exp": int(expires.timestamp()),
        "id": random_secrets.token_urlsafe(12),
    }
    if browser:
        payload["b"] = _browser_tag(browser)
    body = _b64(json.dumps(payload, separators=(",", ":")).encode())
    signature = _b64(hmac.new(_key(), body.encode(), hashlib.sha256).digest())
    return Editor(account.username, account.display_name, f"{body}.{signature}", expires)


def _client_keys(username: str, client_id: str) -> list[str]:
    """The pair key (user name and address) first, then the address's own key."""
    keys = [f"pair:{username.strip().lower()}|{client_id}"]
    if client_id:
        keys.append(f"client:{client_id}")
    return keys


def authenticate(
    username: str, password: str, client_id: str = "", now: dt.datetime | None = None, browser: str = ""
) -> Editor | None:
    """Check a user name and password; the signed-in Editor, or None if they do not match.

    Raises LoginRefused (with .minutes to wait) after too many failures for this user name from this
    client, or from this client at all, and when too many checks are running; `client_id` is the client's
    address (st.context.ip_address). With `browser` (the browser's secret cookie) the sign-in only writes
    when that secret is presented again (see `presented`).
    """
    username = username.strip().lower()
    keys = _client_keys(username, client_id)
    with gate.turn(username):
        wait = limiter.attempt(keys)  # counted before the check: parallel attempts cannot pass the limit
        if wait > 0:
            raise LoginRefused(wait)
        account = accounts().get(username)
        matches = verify_password(password, account.password_hash if account else _dummy_hash())
    if account is None or not matches:
        return None
    limiter.succeeded(keys[0], keys[1:])
    return _issue(account, now or dt.datetime.now(dt.UTC), browser)


def authenticate_oidc(email: str, now: dt.datetime | None = None, browser: str = "") -> Editor | None:
    """The Editor for an identity the OIDC provider vouched for (st.user.email), if an account lists it.

    Only pass st.user.email when st.user.is_logged_in: Streamlit has verified that identity server-side.
    """
    wanted = email.strip().lower()
    if not wanted:
        return None
    account = next((a for a in accounts().values() if a.email.strip().lower() == wanted), None)
    return _issue(account, now or dt.datetime.now(dt.UTC), browser) if account else None


def presented(editor: object, browser: str) -> object:
    """The session's Editor as presented by the connection asking to write, with that connection's browser
    secret; `verify` compares it with the one the sign-in was made with. Anything else is returned as is."""
    return dataclasses.replace(editor, browser=browser) if isinstance(editor, Editor) else editor


def verify(editor: object, now: dt.datetime | None = None) -> Editor:
    """The editor's current identity if their sign-in is genuine, unexpired and the account still stands.

    Raises NotAuthorised otherwise, including for anything that is not an Editor (a name typed into
    session state, for instance). The display name returned is the one in secrets.toml now.
    """
    if not isinstance(editor, Editor) or not isinstance(editor.token, str) or editor.token.count(".") != 1:
        raise NotAuthorised()
    body, signature = editor.token.split(".")
    expected = _b64(hmac.new(_key(), body.encode(), hashlib.sha256).digest())
    if not hmac.compare_digest(signature, expected):
        raise NotAuthorised()
    try:
        payload = json.loads(_unb64(body))
    except ValueError:
        raise NotAuthorised() from None
    if payload.get("id") in _revoked:
        raise NotAuthorised("editors.signed_out")
    if payload.get("u") != editor.username:
        raise NotAuthorised()
    bound = payload.get("b")
    if bound is not None and not (editor.browser and hmac.compare_digest(bound, _browser_tag(editor.browser))):
        raise NotAuthorised("security.other_browser")
    if (now or dt.datetime.now(dt.UTC)).timestamp() >= payload.get("exp", 0):
        raise NotAuthorised("editors.expired")
    account = accounts().get(editor.username)
    if account is None or not hmac.compare_digest(payload.get("p", ""), _password_tag(account)):
        raise NotAuthorised("editors.account_changed")
    return Editor(account.username, account.display_name, editor.token, editor.expires_at, editor.browser)


def sign_out(editor: Editor) -> None:
    """End a sign-in now, server-side: its token no longer passes `verify`."""
    with contextlib.suppress(ValueError, AttributeError):
        payload = json.loads(_unb64(editor.token.split(".")[0]))
        _revoked.add(payload["id"])


# ---------- OpenID Connect (st.login) ----------


def is_oidc_configured(path: Path | None = None) -> bool:
    """Whether secrets.toml configures st.login completely and Authlib (which st.login needs) is installed."""
    return oidc_provider(path) is not None and _authlib_installed()


@functools.cache
def _authlib_installed() -> bool:
    # Looked up once per process (the search of sys.path took ~30 µs, on every page view), as st.login
    # imports it once.
    return importlib.util.find_spec("authlib") is not None


def oidc_provider(path: Path | None = None) -> str | None:
    """The provider name to pass to st.login: 'default' for one provider set in [auth] itself, else the
    first named [auth.NAME] table that is complete; None if OIDC is not configured."""
    try:
        auth = _read_secrets(path).get("auth")
    except SecretsUnreadable:
        return None  # single sign-on waits for the file to be mended; a viewer's page does not fail on it
    if not isinstance(auth, dict) or not auth.get("redirect_uri") or not auth.get("cookie_secret"):
        return None
    required = ("client_id", "client_secret", "server_metadata_url")
    if all(auth.get(key) for key in required):
        return "default"
    for name, section in auth.items():
        if isinstance(section, dict) and "_" not in name and all(section.get(key) for key in required):
            return name
    return None
