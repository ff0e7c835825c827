"""The training catalogue and training plans."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, Response, status
from fastapi.responses import StreamingResponse

from lps.matching.v1 import matching_pb2
from lps.skills.v1 import skills_pb2
from services.common.errors import AlreadyExists
from services.gateway.entrypoints.http.deps import (
    Matching,
    PlanTraining,
    ReadDirectory,
    ReadGaps,
    RecordTraining,
    Skills,
    WriteCatalogue,
)
from services.gateway.entrypoints.http.routes.lookup import (
    CSV_RESPONSE,
    csv_download,
    exists,
    location,
)
from services.gateway.entrypoints.http.schemas.common import Page, PageSize, PathId, same_id
from services.gateway.entrypoints.http.schemas.training import (
    Completion,
    Course,
    CourseCreate,
    CourseReplace,
    PlanRequest,
    TrainingPlan,
)
from services.gateway.service.training import plan_csv

router = APIRouter(prefix="/v1/training", tags=["training"])

CourseId = PathId
PlanId = Annotated[str, Path(min_length=1, max_length=256)]
PageToken = Annotated[str, Query(max_length=1000)]


@router.get("/courses", summary="The training catalogue, optionally for one skill")
async def list_courses(
    _: ReadDirectory,
    skills: Skills,
    skill: Annotated[str | None, Query(max_length=256)] = None,
    page_size: PageSize = 50,
    page_token: PageToken = "",
) -> Page[Course]:
    response = await skills.list_courses(
        skills_pb2.ListCoursesRequest(
            skill_id=skill or "", page_size=page_size, page_token=page_token
        )
    )
    return Page(
        items=[Course.of(c) for c in response.courses],
        next_page_token=response.next_page_token or None,
    )


@router.post("/courses", status_code=status.HTTP_201_CREATED, summary="Add a course")
async def create_course(
    body: CourseCreate, key: WriteCatalogue, skills: Skills, response: Response
) -> Course:
    if await exists(skills.get_course(body.id)):
        raise AlreadyExists(
            f"course {body.id!r} exists; PUT /v1/training/courses/{body.id} replaces it"
        )
    created = await skills.upsert_course(body.to_proto(body.id), actor=key.id)
    response.headers["Location"] = location("/v1/training/courses", created.id)
    return Course.of(created)


@router.get("/courses/{course_id}", summary="One course")
async def get_course(course_id: CourseId, _: ReadDirectory, skills: Skills) -> Course:
    return Course.of(await skills.get_course(course_id))


@router.put("/courses/{course_id}", summary="Create or replace a course")
async def replace_course(
    course_id: CourseId, body: CourseReplace, key: WriteCatalogue, skills: Skills
) -> Course:
    same_id(course_id, body.id)
    return Course.of(await skills.upsert_course(body.to_proto(course_id), actor=key.id))


@router.delete(
    "/courses/{course_id}", status_code=status.HTTP_204_NO_CONTENT, summary="Remove a course"
)
async def delete_course(course_id: CourseId, _: WriteCatalogue, skills: Skills) -> Response:
    await skills.delete_course(course_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post(
    "/plans",
    status_code=status.HTTP_201_CREATED,
    summary="Plan training that makes the most open demand staffable, within budget and deadline",
)
async def create_plan(
    body: PlanRequest, key: PlanTraining, matching: Matching, response: Response
) -> TrainingPlan:
    plan = await matching.plan_training(body.to_proto(actor=key.id))
    response.headers["Location"] = f"/v1/training/plans/{plan.id}"
    return TrainingPlan.of(plan)


@router.get("/plans", summary="Stored training plans, newest first")
async def list_plans(
    _: ReadGaps,
    matching: Matching,
    page_size: Annotated[int, Query(ge=1, le=100)] = 20,
    page_token: PageToken = "",
) -> Page[TrainingPlan]:
    response = await matching.list_training_plans(
        matching_pb2.ListTrainingPlansRequest(page_size=page_size, page_token=page_token)
    )
    return Page(
        items=[TrainingPlan.of(p) for p in response.plans],
        next_page_token=response.next_page_token or None,
    )


@router.get("/plans/{plan_id}", summary="One training plan with its check and progress")
async def get_plan(plan_id: PlanId, _: ReadGaps, matching: Matching) -> TrainingPlan:
    return TrainingPlan.of(await matching.get_training_plan(plan_id))


@router.get(
    "/plans/{plan_id}/export",
    summary="A training plan as CSV: enrolments, fillable places and unmet demand",
    response_class=StreamingResponse,
    responses=CSV_RESPONSE,
)
async def export_plan(plan_id: PlanId, _: ReadGaps, matching: Matching) -> StreamingResponse:
    plan = await matching.get_training_plan(plan_id)
    return csv_download(plan_csv(plan), f"training-plan-{plan.id}.csv")


@router.post(
    "/plans/{plan_id}/completions",
    status_code=status.HTTP_201_CREATED,
    summary="Record that a person completed a course of the plan; their level follows",
)
async def record_completion(
    plan_id: PlanId, body: Completion, key: RecordTraining, matching: Matching
) -> TrainingPlan:
    return TrainingPlan.of(
        await matching.record_training_completion(body.to_proto(plan_id, actor=key.id))
    )
