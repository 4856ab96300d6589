"""The portal's words by area: each module holds WORDS, a dict of label -> (en, sk, fr, ru, uk).

chalicelib.domain.portal_labels merges them with its own table (card and payment pages, link emails).
"""
