"""Reports that reproduce published figures: commissioning of the voluntary sector and equalities evidence.

``transcribed`` holds helpers for the hand-transcribed tables both reports read, ``shares`` the share and
interval helpers both use, ``facts`` the rule for facts from outside the seed documents.
"""
