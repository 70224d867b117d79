"""Warden's one configuration object, read from the environment (prefix ``WARDEN_``).

Every default runs offline on one machine: a local Redis Stack, a SQLite file and the local SmolLM2 model
server, all provisioned by ``warden services up``. Secrets left at their development placeholder refuse to
start when ``WARDEN_ENV`` is not ``dev``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEV_JWT_SECRET = "warden-dev-secret-not-for-production-use-0001"
DEV_MODEL_API_KEY = "warden-local-model-key"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="WARDEN_", extra="ignore", frozen=True)

    env: Literal["dev", "test", "prod"] = "dev"
    data_dir: Path = Path(".data")

    # Redis (checkpoints, run queue). Unset: the project's own Redis Stack on redis_port.
    redis_url: str | None = None
    redis_port: int = 6390
    checkpoint_ttl_minutes: int = Field(default=7 * 24 * 60, ge=1)

    # Business system. Unset: a SQLite file in data_dir.
    database_url: str | None = None

    # Model: any OpenAI-compatible endpoint. Unset base URL: the local xllamacpp server on model_port.
    model_base_url: str | None = None
    model_provider: Literal["openai", "scripted"] = "openai"  # "openai" = any OpenAI-compatible endpoint
    model_name: str = "smollm2-135m-instruct"
    model_api_key: SecretStr = SecretStr(DEV_MODEL_API_KEY)
    model_port: int = 8091
    model_timeout_s: float = Field(default=120.0, gt=0)
    model_max_tokens: int = Field(default=384, ge=16)
    model_max_retries: int = Field(default=2, ge=0)

    # HTTP server.
    host: str = "127.0.0.1"
    port: int = 8123
    workers: int = Field(default=1, ge=1)
    max_body_bytes: int = Field(default=256 * 1024, ge=1024)
    worker_concurrency: int = Field(default=8, ge=1)
    run_lease_s: float = Field(default=30.0, gt=1)

    # Auth: HS256 with a shared secret by default; RS256 with a PEM public key or a JWKS URL.
    jwt_algorithm: Literal["HS256", "RS256"] = "HS256"
    jwt_secret: SecretStr = SecretStr(DEV_JWT_SECRET)
    jwt_public_key: str | None = None
    jwt_jwks_url: str | None = None
    jwt_issuer: str = "warden"
    jwt_max_ttl_s: int = Field(default=2 * 60 * 60, ge=60, le=2 * 60 * 60)

    # Run limits.
    max_plan_attempts: int = Field(default=3, ge=1)
    max_replans: int = Field(default=1, ge=0)
    max_steps: int = Field(default=8, ge=1)
    max_iterations: int = Field(default=40, ge=1)
    run_timeout_s: float = Field(default=300.0, gt=0)
    max_request_chars: int = Field(default=4000, ge=16)

    # Governance (SECURITY.md): the approval policy file (unset: tools/approval_policy.toml), how long a pending
    # approval waits before the run ends `approval_expired`, how often the server sweeps expired ones, the
    # lifetime of the per-step tool credential (at most 15 minutes), and the PostgreSQL role the runtime uses
    # (it may append to audit_log, never UPDATE/DELETE it).
    approval_policy: Path | None = None
    approval_ttl_s: float = Field(default=24 * 3600.0, gt=0)
    approval_sweep_s: float = Field(default=30.0, gt=0)
    tool_credential_ttl_s: int = Field(default=300, ge=5, le=900)
    database_runtime_role: str | None = None
    # The guard's topic allow-list (JSON: topic -> keywords; unset: governance/policies/topics.default.json).
    topic_policy: Path | None = None

    @model_validator(mode="after")
    def _refuse_dev_secrets_outside_dev(self) -> Settings:
        if (self.env == "prod" and self.jwt_algorithm == "HS256"
                and self.jwt_secret.get_secret_value() == DEV_JWT_SECRET):
            raise ValueError("WARDEN_JWT_SECRET is the development placeholder; set a real secret")
        return self

    @property
    def effective_redis_url(self) -> str:
        return self.redis_url or f"redis://127.0.0.1:{self.redis_port}/0"

    @property
    def effective_database_url(self) -> str:
        return self.database_url or f"sqlite:///{(self.data_dir / 'warden.db').resolve()}"

    @property
    def effective_model_base_url(self) -> str:
        return self.model_base_url or f"http://127.0.0.1:{self.model_port}/v1"

    @property
    def uses_local_redis(self) -> bool:
        return self.redis_url is None

    @property
    def uses_local_model(self) -> bool:
        return self.model_base_url is None
