"""A real, throwaway OpenLDAP server (Debian's slapd) for the directory sign-in tests: a
temporary directory, a minimal cn=config (mdb, the memberof overlay), a free port on 127.0.0.1.

Access is as Active Directory's: nobody reads anonymously; a bound account reads people and
groups; a password is only ever compared (bind), never read. Entries are added through LDAP, not
slapadd, so the memberof overlay keeps each person's memberOf as groups change.
"""

from __future__ import annotations

import base64
import hashlib
import os
import secrets
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

SUFFIX = "dc=force,dc=example"
MANAGER_DN = f"cn=manager,{SUFFIX}"
MANAGER_PASSWORD = "manager password for the test directory only"
PEOPLE = f"ou=people,{SUFFIX}"
GROUPS = f"ou=groups,{SUFFIX}"
LOOKUP_DN = f"cn=rso-lookup,ou=services,{SUFFIX}"
LOOKUP_PASSWORD = "lookup account password for tests only"
_SCHEMAS = ("core", "cosine", "inetorgperson")


def ssha(password: str) -> str:
    """{SSHA}, as slappasswd makes it: SHA-1 over password and salt, salt appended."""
    salt = secrets.token_bytes(8)
    return "{SSHA}" + base64.b64encode(hashlib.sha1(password.encode() + salt).digest() + salt).decode()


def _slapd() -> str | None:
    for candidate in (shutil.which("slapd"), "/usr/sbin/slapd"):
        if candidate and Path(candidate).exists():
            return candidate
    return None


def _module_dir() -> Path | None:
    for candidate in ("/usr/lib/ldap", "/usr/lib/x86_64-linux-gnu/ldap", "/usr/lib64/openldap",
                      "/usr/lib/openldap"):
        if Path(candidate, "back_mdb.la").exists() or Path(candidate, "back_mdb.so").exists():
            return Path(candidate)
    return None


def _schema_dir() -> Path | None:
    for candidate in ("/etc/ldap/schema", "/etc/openldap/schema"):
        if Path(candidate, "inetorgperson.ldif").exists():
            return Path(candidate)
    return None


def unavailable_reason() -> str | None:
    if _slapd() is None or shutil.which("slapadd") is None:
        return "OpenLDAP's slapd is not installed (no slapd/slapadd found)"
    if _module_dir() is None:
        return "slapd's modules (back_mdb) were not found"
    if _schema_dir() is None:
        return "OpenLDAP's schema files (inetorgperson.ldif) were not found"
    return None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _config_ldif(directory: Path) -> str:
    modules, schemas = _module_dir(), _schema_dir()
    includes = "".join(f"include: file://{schemas}/{name}.ldif\n" for name in _SCHEMAS)
    return f"""dn: cn=config
objectClass: olcGlobal
cn: config
olcPidFile: {directory}/slapd.pid

dn: cn=module{{0}},cn=config
objectClass: olcModuleList
cn: module{{0}}
olcModulePath: {modules}
olcModuleLoad: back_mdb
olcModuleLoad: memberof

dn: cn=schema,cn=config
objectClass: olcSchemaConfig
cn: schema

{includes}
dn: olcDatabase={{-1}}frontend,cn=config
objectClass: olcDatabaseConfig
objectClass: olcFrontendConfig
olcDatabase: {{-1}}frontend
olcRequires: none

dn: olcDatabase={{0}}config,cn=config
objectClass: olcDatabaseConfig
olcDatabase: {{0}}config
olcAccess: {{0}}to * by * none

dn: olcDatabase={{1}}mdb,cn=config
objectClass: olcDatabaseConfig
objectClass: olcMdbConfig
olcDatabase: {{1}}mdb
olcSuffix: {SUFFIX}
olcDbDirectory: {directory}/data
olcDbMaxSize: 16777216
olcRootDN: {MANAGER_DN}
olcRootPW: {ssha(MANAGER_PASSWORD)}
olcAccess: {{0}}to attrs=userPassword by anonymous auth by * none
olcAccess: {{1}}to * by users read by * none

dn: olcOverlay={{0}}memberof,olcDatabase={{1}}mdb,cn=config
objectClass: olcOverlayConfig
objectClass: olcMemberOf
olcOverlay: {{0}}memberof
olcMemberOfRefInt: TRUE
olcMemberOfGroupOC: groupOfNames
olcMemberOfMemberAD: member
olcMemberOfMemberOfAD: memberOf
"""


@dataclass(frozen=True)
class Person:
    uid: str
    name: str
    password: str
    groups: tuple[str, ...]

    @property
    def dn(self) -> str:
        return f"uid={self.uid},{PEOPLE}"


# Fictional people. Each group's standard members are those listing it here.
STANDARD_PEOPLE = (
    Person("dana.field", "Dana Field", "dana's directory password 2026", ("rso-offender-managers", "rso-trained",
                                                                          "rso-team-north")),
    Person("sid.marsh", "Sid Marsh", "sid's directory password 2026", ("rso-supervisors", "rso-offender-managers",
                                                                        "rso-trained", "rso-team-north")),
    Person("una.brook", "Una Brook", "una's directory password 2026", ("rso-offender-managers",)),
    Person("nell.stone", "Nell Stone", "nell's directory password 2026", ()),
)
STANDARD_GROUPS = ("rso-offender-managers", "rso-supervisors", "rso-omu-leads", "rso-administrators",
                   "rso-trained", "rso-team-north")


def group_dn(cn: str) -> str:
    return f"cn={cn},{GROUPS}"


@dataclass
class LdapServer:
    directory: Path
    port: int
    process: subprocess.Popen

    @property
    def url(self) -> str:
        return f"ldap://127.0.0.1:{self.port}"

    def manager(self):
        """An ldap3 connection as the directory's manager, for the tests' changes behind the app."""
        import ldap3
        return ldap3.Connection(ldap3.Server(self.url, get_info=ldap3.NONE), MANAGER_DN, MANAGER_PASSWORD,
                                auto_bind=True, raise_exceptions=True)

    def set_members(self, group: str, dns: Iterable[str]) -> None:
        import ldap3
        dns = list(dns)
        with self.manager() as c:
            # groupOfNames must have a member: the manager stands in for an empty group.
            c.modify(group_dn(group), {"member": [(ldap3.MODIFY_REPLACE, dns or [MANAGER_DN])]})

    def remove_member(self, group: str, dn: str) -> None:
        import ldap3
        with self.manager() as c:
            c.search(group_dn(group), "(objectClass=*)", search_scope=ldap3.BASE, attributes=["member"])
            members = [m for m in c.entries[0].member.values if m.lower() != dn.lower()]
        self.set_members(group, members)

    def set_password(self, dn: str, password: str) -> None:
        import ldap3
        with self.manager() as c:
            c.modify(dn, {"userPassword": [(ldap3.MODIFY_REPLACE, [ssha(password)])]})

    def reset(self) -> None:
        """Every standard group back to its standard members and passwords."""
        for group in STANDARD_GROUPS:
            self.set_members(group, [p.dn for p in STANDARD_PEOPLE if group in p.groups])
        for person in STANDARD_PEOPLE:
            self.set_password(person.dn, person.password)

    def pause(self) -> None:
        """The server stops answering (connections are still accepted by the kernel): a hung
        domain controller, not a refused connection."""
        os.kill(self.process.pid, signal.SIGSTOP)

    def resume(self) -> None:
        os.kill(self.process.pid, signal.SIGCONT)

    def stop(self) -> None:
        try:
            self.resume()
            self.process.terminate()
            self.process.wait(timeout=10)
        except (ProcessLookupError, subprocess.TimeoutExpired):
            self.process.kill()
        finally:
            shutil.rmtree(self.directory, ignore_errors=True)


def _populate(server: LdapServer) -> None:
    with server.manager() as c:
        c.add(SUFFIX, ["dcObject", "organization"], {"dc": "force", "o": "Example Constabulary (fictional)"})
        for ou in ("people", "groups", "services"):
            c.add(f"ou={ou},{SUFFIX}", ["organizationalUnit"], {"ou": ou})
        c.add(LOOKUP_DN, ["organizationalRole", "simpleSecurityObject"],
              {"cn": "rso-lookup", "userPassword": ssha(LOOKUP_PASSWORD)})
        for p in STANDARD_PEOPLE:
            surname = p.name.split()[-1]
            c.add(p.dn, ["inetOrgPerson"], {"uid": p.uid, "cn": p.name, "sn": surname, "displayName": p.name,
                                            "userPassword": ssha(p.password)})
        for group in STANDARD_GROUPS:
            members = [p.dn for p in STANDARD_PEOPLE if group in p.groups] or [MANAGER_DN]
            c.add(group_dn(group), ["groupOfNames"], {"cn": group, "member": members})


def start() -> LdapServer:
    slapd = _slapd()
    assert slapd is not None
    shm = Path("/dev/shm")
    base = shm if shm.is_dir() and os.access(shm, os.W_OK) else None
    directory = Path(tempfile.mkdtemp(prefix="rso-ldap-", dir=base))
    (directory / "config").mkdir()
    (directory / "data").mkdir()
    (directory / "config.ldif").write_text(_config_ldif(directory))
    subprocess.run(["slapadd", "-n0", "-F", str(directory / "config"), "-l", str(directory / "config.ldif")],
                   check=True, capture_output=True, text=True)
    port = _free_port()
    log = (directory / "slapd.log").open("wb")
    # -d 0: stay in the foreground (the test run owns the process) without debug output.
    process = subprocess.Popen([slapd, "-d", "0", "-F", str(directory / "config"),
                                "-h", f"ldap://127.0.0.1:{port}/"], stdout=log, stderr=subprocess.STDOUT)
    server = LdapServer(directory, port, process)
    try:
        deadline = time.monotonic() + 15
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"slapd exited: {(directory / 'slapd.log').read_text(errors='replace')}")
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                    break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)
        _populate(server)
    except BaseException:
        server.stop()
        raise
    return server
