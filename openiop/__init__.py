"""OpenIOP: software to run an Intensive Outpatient Program."""

__version__ = "0.1.0"
