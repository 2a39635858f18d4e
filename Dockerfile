# The official Odoo 18 image with this addon's Python dependencies.
# Used by docker-compose.yml; the addon itself is mounted, not copied.
FROM odoo:18.0
USER root
COPY requirements.txt /tmp/invoice_partial_refund-requirements.txt
# Ubuntu's Python is externally managed: the official image installs extra
# packages the same way.
RUN pip3 install --no-cache-dir --break-system-packages \
        -r /tmp/invoice_partial_refund-requirements.txt
USER odoo
