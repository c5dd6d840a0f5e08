"""The PassKit web service's routes (Apple's protocol), under the mount path of the passes'
webServiceURL: shared by the service and by the access log, which shows only these templates."""

from __future__ import annotations

REGISTRATION = "/v1/devices/{device}/registrations/{pass_type}/{serial}"
REGISTRATIONS = "/v1/devices/{device}/registrations/{pass_type}"
LATEST_PASS = "/v1/passes/{pass_type}/{serial}"
DEVICE_LOG = "/v1/log"
# Routes whose parameters identify a customer: serial numbers are card numbers.
IDENTIFYING_ROUTES = (REGISTRATION, REGISTRATIONS, LATEST_PASS)
