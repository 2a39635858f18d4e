# Sourced by the scripts: set $python to an interpreter that imports Odoo 18.0,
# installing Odoo into the project's .venv/ when none does (scripts/bootstrap.py
# says how; ODOO_SOURCE says from where, PYTHON chooses an interpreter).
# Stops the calling script with bootstrap's one sentence when it cannot.
use_odoo_python() { # the project's root
    local chosen
    chosen=$(python3 "$1/scripts/bootstrap.py") || exit 2
    python=$chosen
}
