"""Engine behaviour on crafted tickets: every bullet, spans-both, unclear, the policy's fine lines."""

from __future__ import annotations

import pytest

from triage_app.core.knowledge.defaults import default_policy
from triage_app.core.knowledge.policy import IN_SCOPE, OUT_OF_SCOPE
from triage_app.core.result import SPANS_BOTH, UNCLEAR, TriageResult
from triage_app.core.triage.engine import TriageEngine
from triage_app.core.triage.text import MAX_MATCH_CHARS
from triage_app.core.triage.vocabulary import default_vocabulary, load_vocabulary


@pytest.fixture(scope="module")
def engine() -> TriageEngine:
    return TriageEngine(default_policy(), default_vocabulary())


def titles(result: TriageResult, n: int = 3) -> list[str]:
    return [m.title for m in result.matches[:n]]


# One crafted ticket per bullet: (bullet, expected verdict, ticket). Written for these tests.
BULLET_TICKETS = [
    (
        "Prefect service errors and bugs",
        IN_SCOPE,
        "The scheduler service in prefect.server raises an exception every minute and the API "
        "answers 500 Internal Server Error for /api/flow_runs/filter. Looks like a bug.",
    ),
    (
        "Helm chart configuration",
        IN_SCOPE,
        "Which key in the prefect-server chart's values.yaml sets extra annotations on the server "
        "pod? We tried an override with helm --set but the chart ignores it.",
    ),
    (
        "Upgrades and migrations",
        IN_SCOPE,
        "Upgrading from 3.1 to 3.4: the alembic database migration fails halfway. Is there a "
        "supported upgrade path and can we rerun the migrations safely?",
    ),
    (
        "Scaling guidance",
        IN_SCOPE,
        "How many replicas of the API should we run for 20k flow runs a day, and what resource "
        "requests and limits plus connection pool size do you recommend per replica?",
    ),
    (
        "Prefect client compatibility",
        IN_SCOPE,
        "Which client versions are compatible with our server? Some teams still pin an older "
        "client and we want to know whether the version mismatch is supported.",
    ),
    (
        "Feature flags and Prefect configuration",
        IN_SCOPE,
        "Is there a setting to change the default flow run retention? We set PREFECT_SERVER_X "
        "as an environment variable in prefect.toml style but nothing changes.",
    ),
    (
        "Security patching",
        IN_SCOPE,
        "Our image scan flags a critical CVE in the Prefect server image. When will a security "
        "patch release for our version be published?",
    ),
    (
        "Monitoring and observability",
        IN_SCOPE,
        "What does the /api/health endpoint check exactly, and can the server expose metrics "
        "for its liveness and readiness probes?",
    ),
    (
        "Implementation guidance",
        IN_SCOPE,
        "What is the best way to structure subflows and deployments? We want a recommended "
        "deployment pattern for one work pool per team in prefect.yaml.",
    ),
    (
        "Kubernetes cluster management",
        OUT_OF_SCOPE,
        "We need to add a node pool and move to a new storage class before our control plane "
        "upgrade. Which order do you suggest for draining the nodes?",
    ),
    (
        "Istio and service mesh configuration",
        OUT_OF_SCOPE,
        "How do we enable sidecar injection and strict mTLS for every namespace in our service "
        "mesh? The istiod install keeps failing.",
    ),
    (
        "Ingress and load balancer setup",
        OUT_OF_SCOPE,
        "We are installing an ingress controller and need TLS termination with certificates "
        "from cert-manager, plus a DNS record for the new hostname.",
    ),
    (
        "PostgreSQL administration",
        OUT_OF_SCOPE,
        "How should we set up streaming replication and nightly pg_dump backups for our "
        "database server, and which shared_buffers value fits 64 GB RAM?",
    ),
    (
        "Redis administration",
        OUT_OF_SCOPE,
        "We want Redis persistence with AOF plus a Redis Sentinel setup for high availability. "
        "Which redis.conf settings do you use?",
    ),
    (
        "Network policies and firewalls",
        OUT_OF_SCOPE,
        "Our security groups and VPC peering need updating and all egress must go through a "
        "Squid proxy. Which CIDR ranges should the firewall allow?",
    ),
    (
        "Container runtime and OS",
        OUT_OF_SCOPE,
        "The containerd runtime on our nodes keeps running out of disk and we need to patch the "
        "base OS with the latest kernel. How should we configure the container runtime?",
    ),
    (
        "CI/CD pipelines",
        OUT_OF_SCOPE,
        "Our GitHub Actions build pipeline pushes images to Artifactory and runs helmfile; "
        "the pipeline step fails with an auth error against the container registry.",
    ),
    (
        "Third-party integrations",
        OUT_OF_SCOPE,
        "How do we configure the Datadog agent and Grafana dashboards on our cluster, and pull "
        "secrets from HashiCorp Vault through the external-secrets operator?",
    ),
]


@pytest.mark.parametrize(
    ("bullet", "verdict", "ticket"), BULLET_TICKETS, ids=[b for b, _, _ in BULLET_TICKETS]
)
def test_each_bullet_is_found_with_the_right_verdict(engine, bullet, verdict, ticket):
    result = engine.triage(ticket)
    assert result.verdict == verdict
    assert result.matches[0].title == bullet
    assert result.matches[0].side == verdict
    assert 0.0 < result.matches[0].score <= 1.0


def test_all_eighteen_bullets_are_covered(engine):
    assert {b for b, _, _ in BULLET_TICKETS} == {b.title for b in engine.policy.bullets}


def test_evidence_spans_point_into_the_original_text(engine):
    ticket = (
        "Héllo İstanbul team 👋\n\nThe Prefect UI shows 500 Internal Server Error on Kubernets."
    )
    result = engine.triage(ticket)
    assert result.matches
    for m in result.matches:
        for ev in m.evidence:
            assert ticket[ev.start : ev.end] == ev.term


# --- the two sides --------------------------------------------------------------------


@pytest.mark.parametrize(
    "ticket",
    [
        "Workers report httpx.ConnectTimeout talking to the Prefect API and flow runs are marked "
        "crashed since the network team rolled out new egress firewall rules. Is it the client or "
        "our firewall?",
        "The Prefect server throws asyncpg TooManyConnectionsError (remaining connection slots are "
        "reserved) and flow runs get stuck; our Postgres max_connections is 100.",
        "Since we enabled the Istio sidecar, the Prefect worker fails to submit flow runs and the "
        "server logs show upstream connect error from envoy.",
        "The background services crash with redis.exceptions.ConnectionError while the Redis "
        "cluster fails over; is the Prefect messaging setup wrong or our Redis?",
    ],
)
def test_prefect_symptom_with_infrastructure_cause_spans_both(engine, ticket):
    result = engine.triage(ticket)
    assert result.verdict == SPANS_BOTH
    assert {m.side for m in result.matches[:4]} == {IN_SCOPE, OUT_OF_SCOPE}


# Tickets on the policy's fine lines: (ticket, verdict, top bullet).
FINE_LINES = [
    pytest.param(
        "Our EKS node groups need a cluster upgrade to 1.31 and we must drain nodes that run "
        "the prefect workloads among others. What's the safest order for the control plane?",
        OUT_OF_SCOPE,
        "Kubernetes cluster management",
        id="infrastructure_with_prefect_only_as_workload_is_out_of_scope",
    ),
    pytest.param(
        "How do we set ingress.enabled and ingress.host in the prefect-server chart values.yaml "
        "so the UI gets a hostname? Which ingressClassName does the chart expect?",
        IN_SCOPE,
        "Helm chart configuration",
        id="ingress_values_of_the_chart_are_in_scope",
    ),
    pytest.param(
        "We need help installing the nginx ingress controller and cert-manager so our "
        "certificates renew, and the DNS record for the load balancer does not resolve.",
        OUT_OF_SCOPE,
        "Ingress and load balancer setup",
        id="ingress_controller_and_certificates_outside_the_chart_are_out",
    ),
    pytest.param(
        "Our Jenkins build pipeline mirrors images into our Harbor registry and then runs "
        "helm upgrade; how do we make that deployment automation retry on failure?",
        OUT_OF_SCOPE,
        "CI/CD pipelines",
        id="build_pipelines_and_registries_are_out",
    ),
    pytest.param(
        "Please help us configure Okta as the identity provider with SAML groups and the "
        "Keycloak realm mapping for single sign-on.",
        OUT_OF_SCOPE,
        "Third-party integrations",
        id="identity_provider_setup_is_out",
    ),
    pytest.param(
        "Does Prefect have a built-in metrics endpoint? Which setting exposes /metrics on the "
        "server, and what do the health checks report?",
        IN_SCOPE,
        "Monitoring and observability",
        id="built_in_metrics_endpoint_is_in_scope",
    ),
    pytest.param(
        "Our Grafana dashboards stay empty: the Prometheus operator ServiceMonitor is not "
        "scraping and the Datadog agent doesn't pick up the pods. How do we fix the stack?",
        OUT_OF_SCOPE,
        "Third-party integrations",
        id="monitoring_stack_is_out",
    ),
    pytest.param(
        "What pool size and max overflow should each Prefect API replica use? We see "
        "QueuePool limit reached under load.",
        IN_SCOPE,
        "Scaling guidance",
        id="connection_pool_tuning_is_in_scope",
    ),
    pytest.param(
        "Which shared_buffers, work_mem and autovacuum settings should our PostgreSQL "
        "server use, and how do we set up a read replica for it?",
        OUT_OF_SCOPE,
        "PostgreSQL administration",
        id="postgres_server_tuning_is_out",
    ),
]


@pytest.mark.parametrize(("ticket", "verdict", "title"), FINE_LINES)
def test_fine_line(engine: TriageEngine, ticket: str, verdict: str, title: str) -> None:
    result = engine.triage(ticket)
    assert result.verdict == verdict
    assert result.matches[0].title == title


def test_prefect_problem_without_infrastructure_angle_is_in_scope(engine):
    result = engine.triage(
        "Flow runs stay stuck in Pending after we changed the work pool's base job template; "
        "the worker log says nothing. Is this a bug in the worker?"
    )
    assert result.verdict == IN_SCOPE


@pytest.mark.parametrize(
    "ticket",
    [
        "Could we move our quarterly review meeting to next week? Also please send the slides.",
        "Please update the billing contact on our invoice and tell us who our account manager is.",
        "Thank you, that fixed it. Feel free to close the ticket!",
        "hello?",
    ],
)
def test_no_support_content_is_unclear(engine, ticket):
    result = engine.triage(ticket)
    assert result.verdict == UNCLEAR
    assert result.matches == ()


@pytest.mark.parametrize("ticket", ["", "   \n\t  ", "\x00\x00"])
def test_empty_input_is_unclear_with_zero_confidence(engine, ticket):
    result = engine.triage(ticket)
    assert result.verdict == UNCLEAR
    assert result.confidence == 0.0


# --- the fine lines of the policy ------------------------------------------------------


def test_pulling_prefect_images_is_in_scope(engine):
    result = engine.triage(
        "The prefect-server chart can't pull the Prefect image: which image.repository and "
        "imagePullSecrets values do we set in the chart to pull Prefect's images?"
    )
    assert result.verdict == IN_SCOPE
    assert "Helm chart configuration" in titles(result, 2)


def test_initial_auth_configuration_is_in_scope(engine):
    result = engine.triage(
        "How do we turn on basic auth for the Prefect server? Which setting holds the auth "
        "string, and do workers need PREFECT_API_AUTH_STRING too?"
    )
    assert result.verdict == IN_SCOPE
    assert result.matches[0].side == IN_SCOPE


# --- long pastes, negation, typos, word boundaries -------------------------------------


def test_log_dump_does_not_drown_the_ask(engine):
    log = "\n".join(
        f"2024-05-01 10:{i % 60:02d}:00 | WARNING | kubernetes node pool dns proxy firewall retry"
        for i in range(3000)
    )
    ticket = (
        "Which environment variable sets the Prefect log level of the worker? Is there a "
        "setting for it?\n\n" + log
    )
    result = engine.triage(ticket)
    assert result.verdict == IN_SCOPE
    assert result.matches[0].title == "Feature flags and Prefect configuration"


def test_quoted_reply_and_signature_weigh_less_than_the_ask(engine):
    ticket = (
        "Which values.yaml key of the prefect-server chart sets the replica count?\n\n"
        "Best regards,\nJane Doe\nPlatform team, Kubernetes cluster management\n\n"
        "On Mon, 3 Jun 2024 at 10:00, Support wrote:\n"
        "> our firewall and VPC peering and security groups were checked\n"
        "> the Istio sidecar injection is off\n"
    )
    result = engine.triage(ticket)
    assert result.verdict == IN_SCOPE


def test_legal_footer_is_ignored(engine):
    ticket = (
        "Thanks for the invoice.\n\nThis e-mail and any attachments are confidential and "
        "intended only for the named recipient; the istio firewall kubernetes cluster notice "
        "applies to all messages from our domain."
    )
    assert engine.triage(ticket).verdict == UNCLEAR


def test_negation_does_not_score_the_negated_infrastructure(engine):
    result = engine.triage(
        "Flow runs crash right after start. This is not a Kubernetes issue, it happens on "
        "docker compose too. Not related to Istio either."
    )
    assert result.verdict == IN_SCOPE
    found = {m.title for m in result.matches}
    assert "Istio and service mesh configuration" not in found
    assert "Kubernetes cluster management" not in found


def test_negation_after_the_term(engine):
    result = engine.triage("The UI shows 500 errors on every page. Redis is not the issue.")
    assert "Redis administration" not in {m.title for m in result.matches}


@pytest.mark.parametrize(
    ("typo", "bullet"),
    [
        (
            "Our kubernets cluster needs a new node pool and a storage class.",
            "Kubernetes cluster management",
        ),
        (
            "How do we set up replicaton and backups for postgress on our database server?",
            "PostgreSQL administration",
        ),
    ],
)
def test_typos_are_tolerated(engine, typo, bullet):
    assert engine.triage(typo).matches[0].title == bullet


def test_word_boundaries(engine):
    result = engine.triage(
        "We redistribute flow runs across work pools; how should we design that?"
    )
    assert "Redis administration" not in {m.title for m in result.matches}
    result = engine.triage("PREFECT_REDIS_MESSAGING_HOST and prefect_redis settings")
    assert "Redis administration" not in {m.title for m in result.matches}


# --- robustness and confidence -----------------------------------------------------------


def test_hostile_inputs_never_raise(engine):
    for ticket in [
        "\x00" * 50 + "prefect",
        "מה קורה עם ה-worker? " * 20,
        "🙂" * 1000,
        "a" * 10,
        "İ" * 500 + " Helm chart values",
        "\r\n" * 100,
    ]:
        result = engine.triage(ticket)
        assert result.verdict in (IN_SCOPE, OUT_OF_SCOPE, SPANS_BOTH, UNCLEAR)
        assert 0.0 <= result.confidence <= 1.0


def test_very_long_input_is_capped_with_a_note(engine):
    ticket = "The Helm chart values.yaml override is ignored.\n" + ("x" * 99 + "\n") * 100_000
    assert len(ticket) > MAX_MATCH_CHARS
    result = engine.triage(ticket)
    assert result.verdict == IN_SCOPE
    assert any("KB" in note for note in result.notes)


def test_deterministic(engine):
    ticket = BULLET_TICKETS[3][2]
    assert engine.triage(ticket) == engine.triage(ticket)


def test_clear_tickets_get_higher_confidence_than_borderline_ones(engine):
    clear = engine.triage(BULLET_TICKETS[12][2])
    borderline = engine.triage("helm and postgres question")
    assert clear.confidence > borderline.confidence


def test_vocabulary_edits_change_the_result():
    policy = default_policy()
    base = default_vocabulary()
    rows = [r for r in base.to_rows()]
    rows.append(
        {"bullet": "Redis administration", "grp": "terms", "term": "frobnicator", "weight": 3.0}
    )
    from triage_app.core.triage.vocabulary import Vocabulary

    edited = TriageEngine(policy, Vocabulary.from_rows(rows))
    assert (
        edited.triage("our frobnicator setup needs a replica").matches[0].title
        == "Redis administration"
    )
    empty = TriageEngine(policy, load_vocabulary(""))
    assert empty.triage("anything at all about redis").verdict == UNCLEAR


def test_version_placeholder_matches_version_numbers_only():
    policy = default_policy()
    vocab = load_vocabulary(
        '[bullets."Upgrades and migrations"]\n'
        'phrases = [{ term = "upgrading to #version", weight = 3.0 }]'
    )
    engine = TriageEngine(policy, vocab)
    hit = engine.triage("We are upgrading to 3.4.1 next week")
    assert hit.matches[0].title == "Upgrades and migrations"
    assert hit.matches[0].evidence[0].term == "upgrading to 3.4.1"
    assert not engine.triage("We are upgrading to the new cluster").matches


# ---- rules added for customer-style tickets (texts written for these tests) ----------------


def test_aside_that_sets_infrastructure_aside_is_not_scored(engine):
    result = engine.triage(
        "Parent flow reports Completed while its subflows still run. Our namespace has an "
        "Istio mesh, but that's totally irrelevant: it reproduces with prefect server start "
        "on a laptop."
    )
    assert result.verdict == IN_SCOPE
    assert "Istio and service mesh configuration" not in titles(result)


def test_negation_word_inside_a_term_does_not_negate_it(engine):
    # "not working" is a symptom; its own "not" must not cancel it.
    with_symptom = engine.triage(
        "The Prefect UI is not working behind our nginx ingress controller and ALB."
    )
    assert with_symptom.extras["signals"].get("prefect_symptom", 0) > 0


def test_one_question_per_side_spans_both(engine):
    result = engine.triage(
        "Two things. Which key of the chart values sets the API replicas and resources? "
        "And how do we set up our Datadog agent autodiscovery so our dashboards show it?"
    )
    assert result.verdict == SPANS_BOTH
    sides = {m.side for m in result.matches[:3]}
    assert sides == {IN_SCOPE, OUT_OF_SCOPE}


def test_kubectl_table_output_weighs_as_a_log(engine):
    table = (
        "$ kubectl -n prefect get pods\n"
        "NAME                     READY   STATUS    RESTARTS   AGE\n"
        "prefect-server-abc12     1/1     Running   0          2d\n"
        "prefect-worker-def34     1/1     Running   0          2d\n"
    )
    ask = "Which setting turns off analytics on the server?\n"
    result = engine.triage(ask + table)
    assert titles(result, 1) == ["Feature flags and Prefect configuration"]


def test_pasted_exception_is_a_symptom(engine):
    result = engine.triage(
        "After the upgrade via our gitops tool the server logs:\n"
        'sqlalchemy.exc.ProgrammingError: relation "x" does not exist\n'
    )
    assert result.extras["signals"].get("prefect_symptom", 0) >= 1.0


def test_release_line_is_a_version(engine):
    result = engine.triage("We plan to go from 2.19.9 to 3.x next quarter, anything to watch?")
    assert titles(result, 1) == ["Upgrades and migrations"]


def test_company_name_acme_is_not_certificate_evidence(engine):
    result = engine.triage(
        "Please add jane@acme-corp.example to our support account, bob left the company."
    )
    assert result.verdict == UNCLEAR


def test_plain_word_terms_compile_as_the_general_path_would():
    from triage_app.core.triage.engine import _compile, _compile_spelled

    policy, vocabulary = default_policy(), default_vocabulary()
    terms = [t for b in policy.bullets for _g, t in vocabulary.terms_for(b.title)]
    terms += [t for ts in vocabulary.signals.values() for t in ts]
    plain = [t for t in terms if t.text.replace(" ", "").isalpha() and t.text.islower()]
    assert len(plain) > 1000  # the fast path is the common one
    for term in terms:
        assert _compile("bullets", "k", term) == _compile_spelled("bullets", "k", term), term
