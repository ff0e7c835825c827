"""The four roles of the 21st-century public servant and the skills they
need, seeded on first start. A role already in the graph is never touched,
so edits survive restarts."""

from __future__ import annotations

from services.skills.domain.model import RelatedSkill, Requirement, Role, Skill

SEED_SKILLS: tuple[Skill, ...] = (
    Skill(
        "narrative-communication",
        "Narrative and public communication",
        ("storytelling", "public communication"),
        "Tells a clear story of new possibilities to the public and to colleagues.",
    ),
    Skill(
        "public-engagement",
        "Public engagement",
        ("community engagement", "participation"),
        "Involves citizens and communities in shaping services.",
    ),
    Skill(
        "digital-media",
        "Digital media",
        ("social media", "online communication"),
        "Uses digital channels to reach and listen to people.",
    ),
    Skill(
        "active-listening",
        "Active listening",
        ("listening",),
        "Hears what people mean and reflects it back.",
    ),
    Skill(
        "partnership-building",
        "Partnership building",
        ("collaboration", "alliances"),
        "Brings organisations of every sector into working partnerships.",
    ),
    Skill(
        "community-networks",
        "Community networks",
        ("networking", "local networks"),
        "Knows and uses the formal and informal networks of a place.",
    ),
    Skill(
        "resource-mobilisation",
        "Resource mobilisation",
        ("fundraising", "pooled budgets"),
        "Finds and combines money, people and assets from many sources.",
    ),
    Skill(
        "creativity",
        "Creativity",
        ("innovation",),
        "Makes something new from what is already there.",
    ),
    Skill(
        "systems-thinking",
        "Systems thinking",
        ("whole-system thinking",),
        "Sees how the parts of local support affect each other.",
    ),
    Skill(
        "service-design",
        "Service design",
        ("user-centred design",),
        "Designs services around the people who use them.",
    ),
    Skill(
        "outcome-based-commissioning",
        "Outcome-based commissioning",
        ("commissioning", "procurement for outcomes"),
        "Commissions providers of any sector against outcomes rather than activities.",
    ),
    Skill(
        "budgeting",
        "Budgeting",
        ("financial management",),
        "Plans and controls budgets, including pooled ones.",
    ),
    Skill(
        "local-services-knowledge",
        "Knowledge of local services",
        ("service directory",),
        "Knows what support is available locally and from whom.",
    ),
    Skill(
        "advice-and-signposting",
        "Advice and signposting",
        ("signposting", "guidance"),
        "Guides citizens to the options that fit them.",
    ),
    Skill(
        "empathy",
        "Empathy",
        ("compassion",),
        "Understands the situation of the person being helped.",
    ),
    Skill(
        "case-work",
        "Case work",
        ("case management",),
        "Follows a person's situation through to a resolution.",
    ),
)


def _req(skill_id: str, min_level: int, weight: float, essential: bool) -> Requirement:
    return Requirement(skill_id, min_level, weight, essential)


SEED_ROLES: tuple[Role, ...] = (
    Role(
        "storyteller",
        "Storyteller",
        "Communicates new possibilities where no blueprint exists.",
        (
            _req("narrative-communication", 3, 3.0, True),
            _req("public-engagement", 3, 2.0, True),
            _req("digital-media", 2, 1.0, False),
            _req("active-listening", 3, 2.0, False),
        ),
    ),
    Role(
        "weaver",
        "Weaver",
        "Makes creative use of existing materials and networks to make something new.",
        (
            _req("partnership-building", 3, 3.0, True),
            _req("community-networks", 3, 2.0, True),
            _req("resource-mobilisation", 2, 2.0, False),
            _req("creativity", 2, 1.0, False),
        ),
    ),
    Role(
        "architect",
        "Architect",
        "Builds coherent local support systems from many resources.",
        (
            _req("systems-thinking", 3, 3.0, True),
            _req("service-design", 3, 2.0, True),
            _req("outcome-based-commissioning", 3, 2.0, False),
            _req("budgeting", 2, 1.0, False),
        ),
    ),
    Role(
        "navigator",
        "Navigator",
        "Guides citizens through the options available.",
        (
            _req("local-services-knowledge", 3, 3.0, True),
            _req("advice-and-signposting", 3, 2.0, True),
            _req("empathy", 3, 2.0, False),
            _req("case-work", 2, 2.0, False),
        ),
    ),
)

# Skills close enough that one gives partial credit for the other.
SEED_RELATIONS: tuple[tuple[str, RelatedSkill], ...] = (
    ("active-listening", RelatedSkill("empathy", 0.7)),
    ("public-engagement", RelatedSkill("community-networks", 0.5)),
    ("narrative-communication", RelatedSkill("digital-media", 0.4)),
    ("systems-thinking", RelatedSkill("service-design", 0.6)),
    ("advice-and-signposting", RelatedSkill("case-work", 0.6)),
    ("partnership-building", RelatedSkill("community-networks", 0.6)),
)
