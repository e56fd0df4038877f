"""VeritasAd: find advertising inside videos and check whether it is disclosed."""

__version__ = "0.1.0"
