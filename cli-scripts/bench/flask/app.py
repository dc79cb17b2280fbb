"""The seed's users service, as the seed ran it: Flask on its own server
(app.run, werkzeug) on 0.0.0.0:8080. A benchmark comparator for startup.sh:
GET /users/<id> answers as svc-users does in memory (the same three seed users
and JSON fields), 404 otherwise; GET /health answers UP."""
from datetime import datetime, timezone

from flask import Flask, abort, jsonify

app = Flask(__name__)
# svc-users' field order (id, name, email, createdAt), not Flask's sorted keys.
app.json.sort_keys = False

CREATED_AT = datetime.now(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")
USERS = {
    i: {"id": i, "name": name, "email": email, "createdAt": CREATED_AT}
    for i, (name, email) in enumerate(
        [
            ("Ada Lovelace", "ada@example.org"),
            ("Alan Turing", "alan@example.org"),
            ("Grace Hopper", "grace@example.org"),
        ],
        start=1,
    )
}


@app.get("/users/<int:user_id>")
def find_user(user_id):
    if user_id not in USERS:
        abort(404)
    return jsonify(USERS[user_id])


@app.get("/health")
def health():
    return jsonify(status="UP", checks={})


if __name__ == "__main__":
    app.run(host="0.0.0.0", port=8080)
