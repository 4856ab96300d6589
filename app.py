from chalice import Chalice

from chalicelib.jobs import bp as jobs
from chalicelib.web.admin import bp as admin
from chalicelib.web.api import bp as api
from chalicelib.web.common import bp as common
from chalicelib.web.portal import bp as portal
from chalicelib.web.uploads import BINARY_TYPES
from chalicelib.web.webhooks import bp as webhooks

app = Chalice(app_name="service-crm")
app.api.binary_types.extend(BINARY_TYPES)  # uploads and file downloads pass API Gateway unmangled
app.register_blueprint(common)
app.register_blueprint(admin, url_prefix="/admin")
app.register_blueprint(api, url_prefix="/api/v1")
app.register_blueprint(portal, url_prefix="/portal")
app.register_blueprint(webhooks, url_prefix="/webhooks")
app.register_blueprint(jobs)
