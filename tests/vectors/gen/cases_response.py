"""response/<case>/: response.json → expected.json or expected-error.json (SPEC §1 Response).

Rules this generator implements (and the core must match):
- 201 with a JSON object whose `credentialSet` is a non-empty array; its first element's
  `credentials` must carry string `accessKeyId`, `secretAccessKey`, `sessionToken`,
  `expiration` (ISO 8601, normalized to `YYYY-MM-DDTHH:MM:SSZ`, fractions dropped); every
  other field is optional and null when absent. Anything else → invalid_response.
- Other status: a JSON object body with a string `message` → service_error with the
  `x-amzn-ErrorType` header (name case-insensitive, text after the first `:` removed) or,
  without the header, the type derived from the status; any other body → invalid_response.
"""

from __future__ import annotations

import datetime as dt
import json

from .common import Case, dump_json

FOLDER = "response"
DERIVED_TYPES = {400: "ValidationException", 403: "AccessDeniedException",
                 404: "ResourceNotFoundException", 429: "ThrottlingException"}

ROLE = "arn:aws:iam::123456789012:role/example"
FULL = {
    "credentialSet": [{
        "assumedRoleUser": {"arn": "arn:aws:sts::123456789012:assumed-role/example/0123456789",
                            "assumedRoleId": "AROAEXAMPLEID0123456:0123456789"},
        "credentials": {"accessKeyId": "ASIAEXAMPLEACCESSKEY",
                        "secretAccessKey": "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
                        "sessionToken": "IQoJb3JpZ2luX2VjEXAMPLE//////////wEaCXVzLWVhc3QtMSJHMEUCIQ==",
                        "expiration": "2021-11-03T13:00:00Z"},
        "packedPolicySize": 17,
        "roleArn": ROLE,
        "sourceIdentity": "CN=Roles Anywhere Test leaf-p256"}],
    "subjectArn": "arn:aws:rolesanywhere:us-east-1:123456789012:subject/1a2b3c4d-0000-4111-8222-333344445555",
}


def _with(path: list, value) -> dict:
    """A deep copy of FULL with one field replaced (value ...) or removed (value None)."""
    doc = json.loads(json.dumps(FULL))
    node = doc
    for p in path[:-1]:
        node = node[p]
    if value is None:
        del node[path[-1]]
    else:
        node[path[-1]] = value
    return doc


def _minimal() -> dict:
    doc = json.loads(json.dumps(FULL))
    del doc["subjectArn"]
    entry = doc["credentialSet"][0]
    for k in ("assumedRoleUser", "packedPolicySize", "roleArn", "sourceIdentity"):
        del entry[k]
    return doc


def compact(doc) -> str:
    return json.dumps(doc, separators=(",", ":"))


_ERR = "x-amzn-ErrorType"
# name: (description, status, headers, body)
CASES: dict[str, tuple[str, int, dict, str]] = {
    "success-full": ("201 with every field", 201, {"Content-Type": "application/json"}, compact(FULL)),
    "success-pretty-printed": ("201 with whitespace in the JSON", 201, {},
                               json.dumps(FULL, indent=4)),
    "success-minimal": ("201 with only the credentials: the rest null", 201, {}, compact(_minimal())),
    "success-no-source-identity": ("201 without sourceIdentity", 201, {},
                                   compact(_with(["credentialSet", 0, "sourceIdentity"], None))),
    "success-fractional-expiration": (
        "expiration with milliseconds is normalized to whole seconds", 201, {},
        compact(_with(["credentialSet", 0, "credentials", "expiration"], "2021-11-03T13:00:00.000Z"))),
    "error-invalid-signature": ("403 Invalid signature", 403, {_ERR: "AccessDeniedException"},
                                '{"message":"Invalid signature"}'),
    "error-untrusted-certificate": ("403 Untrusted signing certificate", 403,
                                    {_ERR: "AccessDeniedException"},
                                    '{"message":"Untrusted signing certificate"}'),
    "error-validation": ("400 ValidationException", 400, {_ERR: "ValidationException"},
                         '{"message":"1 validation error detected: Value at \'durationSeconds\' '
                         'failed to satisfy constraint"}'),
    "error-not-found": ("404 ResourceNotFoundException", 404, {_ERR: "ResourceNotFoundException"},
                        '{"message":"Profile not found"}'),
    "error-throttling": ("429 ThrottlingException", 429, {_ERR: "ThrottlingException"},
                         '{"message":"Rate exceeded"}'),
    "error-type-suffix": ("error type header with a :suffix to strip", 403,
                          {_ERR: "AccessDeniedException:http://internal.amazon.com/coral/"
                                 "com.amazonaws.rolesanywhere/"},
                          '{"message":"Invalid signature"}'),
    "error-type-header-lowercase": ("error type header name in lower case", 404,
                                    {"x-amzn-errortype": "ResourceNotFoundException"},
                                    '{"message":"Trust anchor not found"}'),
    "error-no-header-400": ("no error type header: 400 → ValidationException", 400, {},
                            '{"message":"Invalid request"}'),
    "error-no-header-403": ("no error type header: 403 → AccessDeniedException", 403, {},
                            '{"message":"Invalid signature"}'),
    "error-no-header-404": ("no error type header: 404 → ResourceNotFoundException", 404, {},
                            '{"message":"Not found"}'),
    "error-no-header-429": ("no error type header: 429 → ThrottlingException", 429, {},
                            '{"message":"Rate exceeded"}'),
    "error-500-json": ("500 with a JSON body and no header → InternalServerException", 500, {},
                       '{"message":"An internal error occurred"}'),
    "error-503-json": ("503 with a JSON body and no header → InternalServerException", 503, {},
                       '{"message":"Service unavailable"}'),
    "html-502-proxy": ("502 HTML page from a proxy", 502, {"Content-Type": "text/html"},
                       "<html><head><title>502 Bad Gateway</title></head>"
                       "<body><h1>502 Bad Gateway</h1></body></html>"),
    "html-403-proxy": ("403 HTML page from a proxy", 403, {"Content-Type": "text/html"},
                       "<html><body>Access denied by proxy policy</body></html>"),
    "truncated-json-201": ("201 with the JSON cut off", 201, {}, compact(FULL)[:120]),
    "missing-session-token-201": ("201 without credentials.sessionToken", 201, {},
                                  compact(_with(["credentialSet", 0, "credentials", "sessionToken"], None))),
    "empty-credential-set-201": ("201 with an empty credentialSet", 201, {},
                                 '{"credentialSet":[],"subjectArn":null}'),
    "empty-body-201": ("201 with an empty body", 201, {}, ""),
}


def _expiration(value: str) -> str:
    for fmt in ("%Y-%m-%dT%H:%M:%SZ", "%Y-%m-%dT%H:%M:%S.%fZ"):
        try:
            return dt.datetime.strptime(value, fmt).strftime("%Y-%m-%dT%H:%M:%SZ")
        except ValueError:
            pass
    raise ValueError(value)


def _success(body: str) -> dict:
    doc = json.loads(body)
    entry = doc["credentialSet"][0]
    creds = entry["credentials"]
    fields = ("accessKeyId", "secretAccessKey", "sessionToken", "expiration")
    if not all(isinstance(creds[f], str) for f in fields):
        raise ValueError("credential field not a string")
    user = entry.get("assumedRoleUser") or {}
    return {
        "access_key_id": creds["accessKeyId"], "secret_access_key": creds["secretAccessKey"],
        "session_token": creds["sessionToken"], "expiration": _expiration(creds["expiration"]),
        "assumed_role_arn": user.get("arn"), "assumed_role_id": user.get("assumedRoleId"),
        "role_arn": entry.get("roleArn"), "source_identity": entry.get("sourceIdentity"),
        "packed_policy_size": entry.get("packedPolicySize"), "subject_arn": doc.get("subjectArn"),
    }


def expected(status: int, headers: dict, body: str) -> tuple[str, dict]:
    if status == 201:
        try:
            return "expected.json", _success(body)
        except (ValueError, KeyError, IndexError, TypeError):
            return "expected-error.json", {"code": "invalid_response", "status": status}
    try:
        doc = json.loads(body)
        message = doc["message"]
        if not isinstance(message, str):
            raise TypeError
    except (ValueError, KeyError, TypeError):
        return "expected-error.json", {"code": "invalid_response", "status": status}
    header = next((v for k, v in headers.items() if k.lower() == _ERR.lower()), None)
    if header is not None:
        error_type = header.split(":", 1)[0]
    else:
        error_type = DERIVED_TYPES.get(status, "InternalServerException" if status >= 500 else None)
    return "expected-error.json", {"code": "service_error", "status": status,
                                   "error_type": error_type, "message": message}


def build() -> list[Case]:
    cases = []
    for name, (description, status, headers, body) in CASES.items():
        fname, value = expected(status, headers, body)
        response = {"description": description, "status": status, "headers": headers, "body": body}
        cases.append(Case(FOLDER, name, {"response.json": dump_json(response), fname: dump_json(value)}))
    return cases
