"""What the routes answer: one model per response body, and the error answers.

The models describe the bodies the routes have always sent, for `/docs` and for clients;
they do not reshape them. Every model allows fields it does not name (`extra="allow"`),
so nothing a route returns is dropped, and fields a body carries only sometimes have a
default and are left out when absent (the routes serialise with `exclude_unset`).
`answers()` gives a route its `response_model` and documents each error it can give with
the body it really has (`{"detail": "..."}`; a 422 adds `errors`).

The models live by resource (`candidates`, `recognition`, `records`, `admin`) on top of
`common`; routes import them from here as `from api import responses as r`.
"""

from __future__ import annotations

from api.responses.admin import (  # noqa: F401
    Concept,
    ConceptLabel,
    Health,
    Me,
    Mention,
    Normalized,
    Organisation,
    OrganisationPage,
    Ready,
    SearchHit,
    SearchHits,
    Span,
    TaxonomyStats,
    TokenInfo,
    TokenIssued,
    TokenList,
    TokenRevoked,
    UserCreated,
)
from api.responses.candidates import (  # noqa: F401
    BelowFloor,
    CandidateExperience,
    CandidateExport,
    CandidateFull,
    CandidateListItem,
    CandidatePage,
    CandidateProfile,
    CandidateQualification,
    CandidateSaved,
    CandidateSkill,
    Consent,
    ConsentsOut,
    CoursePlanFor,
    CourseSuggestion,
    CourseSuggestionPage,
    Erased,
    Location,
    Personal,
    PlanTarget,
    Recognition,
    VacancyMatch,
    VacancyMatchPage,
)
from api.responses.common import (  # noqa: F401
    CoursePlan,
    Error,
    ErrorItem,
    Explained,
    Feature,
    Imported,
    Labelled,
    LanguageGap,
    LanguageLevel,
    LinkedMention,
    LinkedStatement,
    Linking,
    MatchedSkill,
    MatchRecognition,
    MissingSkill,
    Number,
    Out,
    Page,
    PlannedCourse,
    Reason,
    RegulationRules,
    SkillRef,
    Uncovered,
    Upserted,
    VacancySummary,
    ValidationError,
    answers,
)
from api.responses.job_postings import JobPosting, JobPostingList, ld_answers  # noqa: F401
from api.responses.jobs import Job, JobPage, JobQueued  # noqa: F401
from api.responses.recognition import (  # noqa: F401
    CandidateQualifications,
    CandidateRecognised,
    Eqf,
    EqfTableCount,
    EqfTableImported,
    EqfTables,
    Reachable,
    ReachablePage,
    Recognised,
    ReferenceOccupation,
    Regulated,
)
from api.responses.records import (  # noqa: F401
    CandidateMatch,
    CandidateMatchPage,
    Course,
    CourseBase,
    CoursePage,
    OutcomeItem,
    OutcomePage,
    OutcomeRecorded,
    VacanciesImported,
    Vacancy,
    VacancyBase,
    VacancyListItem,
    VacancyPage,
    VacancySaved,
    VacancySkill,
    VacancyState,
)
