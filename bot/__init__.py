"""A rule-based FAQ chatbot for people whose cancer may come back or has come back.

>>> from bot import Bot
>>> Bot.load().ask("whats a recurance").intent
'what_is_recurrence'
"""

from .conversation import Conversation
from .engine import Bot
from .errors import BotError, ConversationFileError, IntentFileError
from .matcher import Tuning
from .model import Intent, Match, Reply, Source, Suggestion
from .policy import Policy
from .reading import Reading

__version__ = "0.1.0"

__all__ = [
    "Bot",
    "BotError",
    "Conversation",
    "ConversationFileError",
    "Intent",
    "IntentFileError",
    "Match",
    "Policy",
    "Reading",
    "Reply",
    "Source",
    "Suggestion",
    "Tuning",
    "__version__",
]
