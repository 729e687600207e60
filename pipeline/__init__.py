"""SoHoa core library: plain functions over a small pydantic data model (no Prefect here)."""

__version__ = "0.1.0"
