"""Reviewing transcripts: metrics, scores, reports and comparisons of finished sessions.

The package root imports nothing on purpose: the scripted model imports ``agents.core.text``
for its judge, and the review builder imports the model factory, so an eager re-export here
would make an import cycle. Import from the modules: ``agents.review.build.build_review``.
"""
