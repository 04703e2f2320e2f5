"""What the tenancy and auth layers cost: GET /api/v1/auth/me against a bare Django JSON view.

Both run in the same gunicorn server on PostgreSQL. `/healthz` is the bare view
(a JsonResponse through the same middleware, no auth, no database). Goal: the
ratio me/bare is at least 0.5.

    python bench/api_overhead.py [--quick] [--seconds N] [--concurrency N]
"""

import argparse
import os

from _common import Gunicorn, emit, load, setup_django


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true", help="short run for CI")
    parser.add_argument("--seconds", type=float, default=None)
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--workers", type=int, default=4, help="gunicorn sync workers (2 per core, as deployed)")
    args = parser.parse_args()
    seconds = args.seconds or (1.5 if args.quick else 10.0)

    setup_django()
    from tenants.api.auth import tokens_for
    from tenants.models import Membership, Tenant, User
    from tenants.scoping import tenant_scope

    tenant = Tenant.objects.create(
        name="Bench Gym", slug="bench-gym", vertical="gym", legal_name="Bench Gym LLC", callback_phone="+13055550100"
    )
    user = User.objects.create_user("bench", "bench@example.test", "bench-pass-123", is_staff=True)
    with tenant_scope(tenant.pk):
        Membership.objects.create(user=user, role="owner")
    headers = {"Authorization": f"Bearer {tokens_for(user, tenant)['access']}"}

    with Gunicorn(workers=args.workers) as server:
        load(server.port, "/api/v1/auth/me", headers=headers, seconds=0.5, concurrency=2)  # warm up
        me = load(server.port, "/api/v1/auth/me", headers=headers, seconds=seconds, concurrency=args.concurrency)
        bare = load(server.port, "/healthz", seconds=seconds, concurrency=args.concurrency)

    assert me["statuses"] == {"200": me["requests"]}, me["statuses"]
    ratio = round(me["rps"] / bare["rps"], 3) if bare["rps"] else None
    emit(
        {
            "bench": "api_overhead",
            "database": "postgresql",
            "cache": "redis" if os.environ.get("REDIS_URL") else "local memory",
            "server": f"gunicorn, {args.workers} sync workers",
            "seconds": seconds,
            "concurrency": args.concurrency,
            "me_rps": me["rps"],
            "me_p50_ms": me["p50_ms"],
            "me_p99_ms": me["p99_ms"],
            "baseline": "bare Django JSON view (/healthz) in the same server",
            "bare_rps": bare["rps"],
            "bare_p50_ms": bare["p50_ms"],
            "ratio": ratio,
            "goal_ratio_at_least": 0.5,
            "meets_goal": ratio is not None and ratio >= 0.5,
        }
    )


if __name__ == "__main__":
    main()
