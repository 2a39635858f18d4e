# Sourced by the scripts: make a local PostgreSQL reachable for Odoo.

install_postgres() {
    # Debian's package: as root only, and said when it cannot be done.
    if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null; then
        echo "PostgreSQL is not installed and this script cannot install it (run as root on Debian/Ubuntu, or install PostgreSQL and set PGHOST)." >&2
        return 1
    fi
    echo "Installing PostgreSQL (Debian package postgresql)…" >&2
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null) \
        || { echo "Installing PostgreSQL failed." >&2; return 1; }
}

start_postgres() {
    command -v pg_isready >/dev/null || install_postgres || return 1
    pg_isready -q && return 0
    if ! command -v pg_lsclusters >/dev/null || [ -z "$(pg_lsclusters -h 2>/dev/null)" ]; then
        # The client alone (no server cluster): install the server.
        [ -n "${PGHOST:-}" ] || install_postgres || return 1
    fi
    if command -v pg_ctlcluster >/dev/null && [ "$(id -u)" = 0 ]; then
        local cluster
        cluster=$(pg_lsclusters -h 2>/dev/null | awk 'NR==1 {print $1" "$2}')
        # shellcheck disable=SC2086
        [ -n "$cluster" ] && pg_ctlcluster $cluster start
    fi
    for _ in $(seq 1 30); do pg_isready -q && return 0; sleep 1; done
    return 1
}

ensure_db_role() {
    # Odoo refuses to connect as the postgres superuser: as root, use a role
    # named after the current user.
    if [ "$(id -u)" = 0 ] && [ -z "${PGUSER:-}" ]; then
        su postgres -c "psql -tAc \"SELECT 1 FROM pg_roles WHERE rolname='$(id -un)'\"" | grep -q 1 \
            || su postgres -c "createuser --superuser $(id -un)"
    fi
}

odoo_addons_path() { # the project's root
    "$python" -c 'import odoo.addons; print(",".join(odoo.addons.__path__))' | tr -d '\n'
    printf ',%s' "$1"
}
