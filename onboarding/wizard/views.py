"""The sign-up wizard at /daftar/ (platform site): parse, call one service, render.

Every view that names a sign-up reads it through ``signup_for_request`` (404 unless this
browser session started it or opened its resume link)."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from onboarding.models import CheckState, SignUp, SignUpState
from onboarding.wizard import access, rules, services
from onboarding.wizard.forms import (
    CodeForm,
    ContactForm,
    FileForm,
    PlanForm,
    RegionForm,
    TemplateForm,
)
from onboarding.wizard.launch import STEP_LABELS, launch_steps, signup_launch_settle
from onboarding.wizard.selectors import (
    plans_offered,
    region_holders,
    region_search,
    signup_files,
    signup_for_request,
    template_preview,
    templates_offered,
)
from tenants.links import site_origin


def _step_url(signup: SignUp, step: int) -> str:
    return reverse("wizard:step", args=[signup.public_id, step])


def _launch_url(signup: SignUp) -> str:
    return reverse("wizard:launch", args=[signup.public_id])


def _next(signup: SignUp, step: int):
    return redirect(_step_url(signup, min(step + 1, rules.LAST_STEP)))


def _context(signup: SignUp | None, step: int, **extra) -> dict:
    return {
        "signup": signup,
        "step": step,
        "steps": rules.STEPS,
        "step_done": signup.step_done if signup else 0,
        "back_url": _step_url(signup, step - 1) if signup and step > 1 else "",
        **extra,
    }


# --- Step 1 -------------------------------------------------------------------------------


def _region_results(query: str) -> list[dict]:
    regions = list(region_search(query))
    registered, held = region_holders([region.code for region in regions])
    return [
        {
            "region": region,
            "registered": region.code in registered,
            "held": region.code in held,
        }
        for region in regions
    ]


@require_GET
def region_results(request):
    """The htmx fragment of step 1: regions matching what was typed."""
    query = request.GET.get("q", "")
    return render(
        request,
        "onboarding/wizard/_region_results.html",
        {"results": _region_results(query), "query": query},
    )


@require_http_methods(["GET", "POST"])
def start(request):
    """Step 1 of a new sign-up: choose the Pemda."""
    query = request.GET.get("q", "")
    form = RegionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            signup = services.signup_start(region_code=form.cleaned_data["region"])
        except services.SignUpError as exc:
            form.add_error(None, str(exc))
        else:
            access.session_grant(request, signup.public_id)
            return _next(signup, 1)
    return render(
        request,
        "onboarding/wizard/step1.html",
        _context(None, 1, form=form, query=query, results=_region_results(query)),
    )


def _step1(request, signup):
    query = request.GET.get("q", "")
    form = RegionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            signup = services.signup_region_change(
                signup=signup, region_code=form.cleaned_data["region"]
            )
        except services.SignUpError as exc:
            form.add_error(None, str(exc))
        else:
            return _next(signup, 1)
    return render(
        request,
        "onboarding/wizard/step1.html",
        _context(signup, 1, form=form, query=query, results=_region_results(query)),
    )


# --- Step 2 -------------------------------------------------------------------------------


def _contact_initial(signup: SignUp) -> dict:
    return {
        "contact_name": signup.contact_name,
        "contact_phone": signup.contact_phone,
        "contact_email": signup.contact_email,
        "admin_name": signup.admin_name,
        "admin_email": signup.admin_email,
    }


def _step2(request, signup):
    password_set = bool(signup.admin_password_hash)
    form = ContactForm(
        request.POST or None, initial=_contact_initial(signup), password_set=password_set
    )
    demo_code = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            signup = services.signup_contact_save(
                signup=signup,
                contact_name=data["contact_name"],
                contact_phone=data["contact_phone"],
                contact_email=data["contact_email"],
                admin_name=data["admin_name"],
                admin_email=data["admin_email"],
                password=data.get("password") or "",
            )
        except services.SignUpError as exc:
            form.add_error(None, str(exc))
        else:
            if signup.email_verified_at:
                return _next(signup, 2)
            _demo_code_keep(request, signup)
            messages.info(
                request,
                _("We sent a code to %(email)s. Type it below to verify the address.")
                % {"email": signup.admin_email},
            )
            return redirect(_step_url(signup, 2))
    if settings.DEMO_MODE:
        demo_code = request.session.get(_demo_key(signup))
    return render(
        request,
        "onboarding/wizard/step2.html",
        _context(
            signup,
            2,
            form=form,
            code_form=CodeForm(),
            demo_mode=settings.DEMO_MODE,
            demo_code=demo_code,
            email_backend=settings.EMAIL_BACKEND.rsplit(".", 1)[0].rsplit(".", 1)[-1],
        ),
    )


def _demo_key(signup: SignUp) -> str:
    return f"onboarding_demo_code_{signup.public_id}"


def _demo_code_keep(request, signup: SignUp) -> None:
    """In DEMO_MODE (e-mail goes to the server's console) the page shows the code too."""
    code = getattr(signup, "_demo_code", None)
    if settings.DEMO_MODE and code:
        request.session[_demo_key(signup)] = code


@require_POST
def email_verify(request, public_id):
    signup = signup_for_request(request, public_id)
    form = CodeForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(form.errors["code"]))
        return redirect(_step_url(signup, 2))
    try:
        signup = services.signup_email_verify(signup=signup, code=form.cleaned_data["code"])
    except services.SignUpError as exc:
        messages.error(request, str(exc))
        return redirect(_step_url(signup, 2))
    request.session.pop(_demo_key(signup), None)
    messages.success(request, _("The e-mail address is verified."))
    return _next(signup, 2)


@require_POST
def email_resend(request, public_id):
    signup = signup_for_request(request, public_id)
    try:
        signup = services.signup_email_code_resend(signup=signup)
    except services.SignUpError as exc:
        messages.error(request, str(exc))
    else:
        _demo_code_keep(request, signup)
        messages.info(
            request, _("A new code is on its way to %(email)s.") % {"email": signup.admin_email}
        )
    return redirect(_step_url(signup, 2))


@require_GET
def email_verify_link(request, token):
    """The link in the e-mail: verifies the address and opens the sign-up in this browser."""
    found = access.verify_token_read(token)
    signup = (
        services.signup_email_verify_link(public_id=found[0], email=found[1]) if found else None
    )
    if signup is None:
        return render(request, "onboarding/wizard/link_invalid.html", status=404)
    access.session_grant(request, signup.public_id)
    messages.success(request, _("The e-mail address is verified."))
    return redirect(_step_url(signup, min(signup.step_done + 1, rules.LAST_STEP)))


@require_GET
def resume(request, token):
    """The resume link sent by e-mail: this browser may now see and change the sign-up."""
    read = access.resume_token_read(token)
    signup = SignUp.objects.filter(public_id=read[0]).first() if read else None
    if (
        signup is None
        or signup.state == SignUpState.EXPIRED
        or signup.admin_email.lower() != read[1]  # sent to an address since corrected
    ):
        return render(request, "onboarding/wizard/link_invalid.html", status=404)
    access.session_grant(request, signup.public_id)
    if signup.state != SignUpState.DRAFT:
        return redirect(_launch_url(signup))
    return redirect(_step_url(signup, min(signup.step_done + 1, rules.LAST_STEP)))


# --- Steps 3 and 4 ------------------------------------------------------------------------


def _step3(request, signup):
    plans = plans_offered()
    form = PlanForm(request.POST or None, plans=plans, initial={"plan": signup.plan_code})
    if request.method == "POST" and form.is_valid():
        try:
            signup = services.signup_plan_set(signup=signup, plan_code=form.cleaned_data["plan"])
        except services.SignUpError as exc:
            form.add_error(None, str(exc))
        else:
            return _next(signup, 3)
    return render(
        request, "onboarding/wizard/step3.html", _context(signup, 3, form=form, plans=plans)
    )


def _step4(request, signup):
    language = translation.get_language()
    templates = templates_offered(language=language)
    chosen = (
        request.GET.get("lihat") or signup.template_name or (templates[0].name if templates else "")
    )
    form = TemplateForm(
        request.POST or None, templates=templates, initial={"template": signup.template_name}
    )
    if request.method == "POST" and form.is_valid():
        try:
            signup = services.signup_template_set(
                signup=signup, template_name=form.cleaned_data["template"], language=language
            )
        except services.SignUpError as exc:
            form.add_error(None, str(exc))
        else:
            return _next(signup, 4)
    preview = template_preview(chosen, language=language) if chosen else None
    return render(
        request,
        "onboarding/wizard/step4.html",
        _context(signup, 4, form=form, templates=templates, preview=preview, chosen=chosen),
    )


# --- Step 5 -------------------------------------------------------------------------------


def _files_context(signup: SignUp) -> dict:
    from core.importing.engine import importer_get

    files = signup_files(signup)
    return {
        "files": [
            {"kind": kind, "label": importer_get(kind).label, "file": files.get(kind)}
            for kind in rules.FILE_KINDS
        ],
        "checking": signup.check_state in (CheckState.QUEUED, CheckState.RUNNING),
        "check_label": importer_get(signup.check_kind).label if signup.check_kind else "",
    }


def _step5(request, signup):
    form = FileForm()
    if request.method == "POST":
        try:
            signup = services.signup_files_done(signup=signup)
        except services.SignUpError as exc:
            messages.error(request, str(exc))
            return redirect(_step_url(signup, 5))
        return _next(signup, 5)
    return render(
        request,
        "onboarding/wizard/step5.html",
        _context(signup, 5, form=form, **_files_context(signup)),
    )


@require_POST
def file_upload(request, public_id):
    signup = signup_for_request(request, public_id)
    form = FileForm(request.POST, request.FILES)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect(_step_url(signup, 5))
    upload = form.cleaned_data["file"]
    try:
        services.signup_file_put(
            signup=signup, kind=form.cleaned_data["kind"], filename=upload.name, data=upload.read()
        )
    except services.SignUpError as exc:
        messages.error(request, str(exc))
    return redirect(_step_url(signup, 5))


@require_POST
def file_remove(request, public_id, kind):
    signup = signup_for_request(request, public_id)
    try:
        services.signup_file_remove(signup=signup, kind=kind)
    except services.SignUpError as exc:
        messages.error(request, str(exc))
    return redirect(_step_url(signup, 5))


@require_GET
def files_status(request, public_id):
    """The htmx fragment polled while the files are being checked on a worker."""
    signup = signup_for_request(request, public_id)
    return render(
        request,
        "onboarding/wizard/_files.html",
        {"signup": signup, **_files_context(signup)},
    )


# --- Step 6 and the launch ----------------------------------------------------------------


def _step6(request, signup):
    missing = rules.launch_missing(services.launch_facts(signup))
    if request.method == "POST":
        try:
            signup = services.signup_launch(signup=signup)
        except services.SignUpError as exc:
            messages.error(request, str(exc))
            return redirect(_step_url(signup, 6))
        return redirect(_launch_url(signup))
    plan = next((p for p in plans_offered() if p.code == signup.plan_code), None)
    template = next(
        (
            t
            for t in templates_offered(language=translation.get_language())
            if t.name == signup.template_name
        ),
        None,
    )
    return render(
        request,
        "onboarding/wizard/step6.html",
        _context(
            signup,
            6,
            missing=missing,
            plan=plan,
            template=template,
            address=f"{settings.SITE_SCHEME}://{signup.slug}.{settings.PLATFORM_DOMAIN}"
            + (f":{settings.PLATFORM_PORT}" if settings.PLATFORM_PORT else "")
            + "/",
            **_files_context(signup),
        ),
    )


STEP_VIEWS = {1: _step1, 2: _step2, 3: _step3, 4: _step4, 5: _step5, 6: _step6}


@require_http_methods(["GET", "POST"])
def step(request, public_id, number):
    signup = signup_for_request(request, public_id)
    if number not in STEP_VIEWS:
        raise Http404
    if signup.state != SignUpState.DRAFT:
        return redirect(_launch_url(signup))
    if not rules.step_may_open(number, signup.step_done):
        messages.info(request, _("Complete this step first."))
        return redirect(_step_url(signup, min(signup.step_done + 1, rules.LAST_STEP)))
    return STEP_VIEWS[number](request, signup)


def _launch_context(signup: SignUp) -> dict:
    if signup.state == SignUpState.LAUNCHING and signup.pemda_id:
        signup = signup_launch_settle(signup_id=signup.pk)
    kinds = list(signup.files.values_list("kind", flat=True))
    steps = launch_steps(kinds)
    current = signup.progress_step if signup.progress_step in steps else steps[0]
    index = len(steps) - 1 if signup.state == SignUpState.DONE else steps.index(current)
    percent = 100 if signup.state == SignUpState.DONE else int(100 * index / (len(steps) - 1))
    origin = site_origin(signup.pemda) if signup.state == SignUpState.DONE else ""
    return {
        "signup": signup,
        "steps_named": [
            {"label": STEP_LABELS[name], "done": i < index, "current": i == index}
            for i, name in enumerate(steps)
        ],
        "current_label": STEP_LABELS["done" if signup.state == SignUpState.DONE else current],
        "percent": percent,
        "site_url": f"{origin}/" if origin else "",
        "login_url": f"{origin}/accounts/login/" if origin else "",
    }


@require_GET
def launch(request, public_id):
    signup = signup_for_request(request, public_id)
    if signup.state == SignUpState.DRAFT:
        return redirect(_step_url(signup, 6))
    return render(request, "onboarding/wizard/launch.html", _launch_context(signup))


@require_GET
def launch_status(request, public_id):
    """The htmx fragment the progress bar polls."""
    signup = signup_for_request(request, public_id)
    return render(request, "onboarding/wizard/_launch_status.html", _launch_context(signup))


@require_POST
def launch_revise(request, public_id):
    """After a failed launch: back to the files (step 5), to fix what failed."""
    signup = signup_for_request(request, public_id)
    signup = services.signup_launch_revise(signup=signup)
    if signup.state != SignUpState.DRAFT:
        return redirect(_launch_url(signup))
    return redirect(_step_url(signup, 5))


@require_POST
def launch_retry(request, public_id):
    signup = signup_for_request(request, public_id)
    services.signup_launch_retry(signup=signup)
    return redirect(_launch_url(signup))
