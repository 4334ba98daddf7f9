"""Chainlit entry point: `parley ui` runs `chainlit run app.py`. The app lives in agents/ui/app.py."""

from agents.ui.app import *  # noqa: F401,F403
