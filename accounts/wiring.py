"""Where the account repositories' adapters are chosen: the protocols (accounts/users.py, accounts/tokens.py)
never import their DynamoDB adapters; services ask here."""

from __future__ import annotations

from functools import lru_cache

from accounts.tokens import TokenRepository
from accounts.users import UserRepository


@lru_cache(maxsize=1)
def user_repository() -> UserRepository:
    from accounts.users_dynamodb import DynamoDBUserRepository

    return DynamoDBUserRepository()


@lru_cache(maxsize=1)
def token_repository() -> TokenRepository:
    from accounts.tokens_dynamodb import DynamoDBTokenRepository

    return DynamoDBTokenRepository()
