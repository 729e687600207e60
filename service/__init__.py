"""SoHoa service API: verified records for online public services, purpose-bound and audited.

`create_app(settings)` (service.app) builds the FastAPI application; `service.cli` holds the
`sohoa serve`, `sohoa clients` and `sohoa audit` commands.
"""
