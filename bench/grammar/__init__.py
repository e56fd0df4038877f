"""Compositional grammars of ad reads and ordinary speech, in English and Russian, and the videos built from them.

A family is one way of phrasing a segment (sponsor read, self-promotion, call to interact, hard negative, topic
talk); the benchmark splits by family and by advertiser, so that its held-out part holds phrasings, advertisers and
topics that training never saw. See bench/make_families.py."""

from bench.grammar.model import Advertiser, Family, Split, advertisers, families, split
from bench.grammar.video import make_videos

__all__ = ["Advertiser", "Family", "Split", "advertisers", "families", "make_videos", "split"]
