"""The web application: routes, the user and the language of each request, and the answers.

Every page goes through `_page`: it finds the user (or sends to the login page, or refuses with a
page saying why), checks the CSRF token of a POST before anything else, checks the role, opens the
store, and runs the page's function while speaking the reader's language (`speech.speaking`), in a
worker thread (the store calls block).  Errors a reader can act on (a dismissal without a reason, a
conflict with a colleague's decision, an unknown case) are pages in words with their HTTP status;
nothing of the code (a traceback, an exception's name) is shown.
"""

from __future__ import annotations

import contextlib
import logging
import time
import urllib.parse
from typing import Any, Awaitable, Callable

import jinja2
from markupsafe import Markup
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.middleware import Middleware
from starlette.middleware.sessions import SessionMiddleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import Route

from .. import i18n, words
from ..i18n import _
from ..report.text import safe_text
from ..report.templating import template_env
from . import auth, pages, speech, verdicts
from .settings import Settings

log = logging.getLogger("legality.serve")

SESSION_COOKIE = "legality_desk"
FACETS_FOR = 60.0  # seconds the queue's filter values are kept
SESSION_AGE = 12 * 3600  # a working day: a reviewer signs in again the next morning
DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
SECURITY_HEADERS = {
    "Content-Security-Policy": ("default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; "
                                "frame-ancestors 'none'; base-uri 'none'"),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
    "Cache-Control": "no-store",
}


class Refused(Exception):
    """A page that cannot be shown to this request: its status and what to say (already in words)."""

    def __init__(self, status: int, title: str, text: str = ""):
        super().__init__(title)
        self.status, self.title, self.text = status, title, text


class Ctx:
    """One request as a page function sees it."""

    def __init__(self, request: Request, settings: Settings, user: auth.Visitor, lang: str, conn: Any,
                 form: dict[str, str]):
        self.request, self.settings, self.user, self.lang, self.conn, self.form = \
            request, settings, user, lang, conn, form

    @property
    def titles(self) -> dict[str, str]:
        return verdicts.rule_titles(self.settings.rules_dir, self.lang)


def _env() -> jinja2.Environment:
    def finalize(value: Any) -> Any:
        """Text from a record loses its control characters; markup a macro made is kept as it is."""
        if isinstance(value, Markup):
            return value
        return safe_text(value) if isinstance(value, str) else ("" if value is None else value)

    env = template_env(finalize=finalize)
    env.globals["_"] = lambda text: i18n._(text)
    env.globals["words"] = words
    return env


class Desk:
    """The application's state: settings, templates, and how to open the store."""

    def __init__(self, settings: Settings):
        self.settings = settings
        self.env = _env()
        self._facets: tuple[float, dict[str, list[str]]] | None = None

    def facets(self, conn: Any) -> dict[str, list[str]]:
        """The filters' values, read again at most once a minute: they change with a nightly scan, not
        with a decision, and reading them is a scan of every candidate (half a second at 100,000)."""
        from ..store import queue

        now = time.monotonic()
        if self._facets is None or now - self._facets[0] > FACETS_FOR:
            self._facets = (now, queue.facet_values(conn))
        return self._facets[1]

    def connect(self) -> Any:
        from ..store.db import connect

        return connect(self.settings.db)

    def render(self, name: str, request: Request, ctx: dict[str, Any], status: int = 200) -> HTMLResponse:
        session = request.session
        base = {
            "lang": i18n.language(), "user": ctx.pop("_user", None), "csrf": auth.csrf_token(session),
            "path": request.url.path, "query": request.url.query,
            "other_lang": "kk" if i18n.language() == "ru" else "ru",
            "auth": self.settings.auth,
            "lang_link": _with_lang(request, "kk" if i18n.language() == "ru" else "ru"),
        }
        html = self.env.get_template(f"serve/{name}").render(**base, **ctx)
        return HTMLResponse(html, status_code=status, headers=SECURITY_HEADERS)


def _with_lang(request: Request, lang: str) -> str:
    """This page in the other language, its filters kept."""
    pairs = [(k, v) for k, v in request.query_params.multi_items() if k != "lang"] + [("lang", lang)]
    path = request.url.path
    for action in ("/decide", "/assign"):
        path = path.removesuffix(action)
    return path + "?" + urllib.parse.urlencode(pairs)


def _lang_of(request: Request, settings: Settings) -> str:
    asked = request.query_params.get("lang")
    lang = speech.choose(asked, request.session.get("lang"), settings.lang)
    if asked and asked == lang:
        request.session["lang"] = lang
    return lang


def _identify(desk: Desk, request: Request, conn: Any) -> auth.Visitor:
    s = desk.settings
    if s.auth == "none":
        return auth.Visitor(s.single_user or "—", "head")
    if s.auth == "header":
        name = _header_text(request.headers.get(s.auth_header, "")).strip()
        if not name:
            raise Refused(401, _("Нет имени пользователя"),
                          _("Сервер ждёт имя пользователя от прокси-сервера ведомства, а его нет. "
                            "Откройте страницу по адресу, который дал администратор."))
        user = auth.lookup(conn, name)
        if user is None:
            log.info("refused: a name from the proxy that is not an active user")
            raise Refused(403, _("Доступ не разрешён"),
                          _("Пользователя «{name}» нет среди проверяющих этого хранилища (или он отключён). "
                            "Попросите администратора добавить его: legality users add").format(name=name))
        return user
    signed = request.session.get("user")
    user = auth.lookup(conn, signed) if isinstance(signed, str) else None
    if user is None:
        request.session.pop("user", None)
        raise _ToLogin()
    return user


def _header_text(raw: str) -> str:
    """A header as the proxy wrote it: nginx passes a Cyrillic login («Иванова») as UTF-8 bytes, which
    the server reads as Latin-1; they are read back as UTF-8 (a header that is not UTF-8 stays as read)."""
    try:
        return raw.encode("latin-1").decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return raw


class _ToLogin(Exception):
    pass


PageFn = Callable[[Desk, Ctx], Response]


def _page(desk: Desk, fn: PageFn, *, head: bool = False) -> Callable[[Request], Awaitable[Response]]:
    async def endpoint(request: Request) -> Response:
        form: dict[str, str] = {}
        if request.method == "POST":
            data = await request.form()
            form = {k: v for k, v in data.items() if isinstance(v, str)}
        return await run_in_threadpool(_run, desk, fn, request, form, head)

    return endpoint


def _run(desk: Desk, fn: PageFn, request: Request, form: dict[str, str], head: bool) -> Response:
    lang = _lang_of(request, desk.settings)
    with speech.speaking(lang):
        if request.method == "POST" and not auth.csrf_ok(request.session, form.get(auth.CSRF_FIELD)):
            return _refusal(desk, request, Refused(403, _("Форма устарела"),
                                                   _("Страница, с которой отправлена форма, устарела или открыта "
                                                     "не с этого сайта. Обновите страницу и повторите.")))
        try:
            conn = desk.connect()
        except Exception as e:  # noqa: BLE001 - a store that cannot be opened is said in words
            from ..store.db import StoreError

            log.error("store cannot be opened: %s", type(e).__name__)
            text = str(e) if isinstance(e, StoreError) else _("хранилище недоступно; сообщите администратору")
            return _refusal(desk, request, Refused(503, _("Хранилище недоступно"), text))
        try:
            try:
                user = _identify(desk, request, conn)
            except _ToLogin:
                nxt = request.url.path + ("?" + request.url.query if request.url.query else "")
                return RedirectResponse("/login?" + urllib.parse.urlencode({"next": nxt}), status_code=303)
            if head and not user.head:
                raise Refused(403, _("Только для руководителя"),
                              _("Эта страница открыта руководителю отдела; у вас роль проверяющего."))
            return fn(desk, Ctx(request, desk.settings, user, lang, conn, form))
        except Refused as r:
            return _refusal(desk, request, r)
        except Exception as e:  # noqa: BLE001 - a bug: a page in words, the details in the log (no record data)
            log.error("page %s failed: %s", request.url.path.split("/")[1], type(e).__name__)
            log.debug("traceback", exc_info=True)
            return _refusal(desk, request, Refused(500, _("Внутренняя ошибка"),
                                                   _("Страницу не удалось показать. Сообщите администратору "
                                                     "время ошибки; данные не изменены.")))
        finally:
            with contextlib.suppress(Exception):
                conn.close()


def _refusal(desk: Desk, request: Request, r: Refused) -> Response:
    return desk.render("error.html.j2", request, {"title": r.title, "text": r.text}, status=r.status)


# ---- the pages


def queue_view(desk: Desk, c: Ctx) -> Response:
    q = pages.QueueQuery.parse(c.request.query_params.multi_items())
    data = pages.queue_page(c.conn, q, c.titles, desk.settings.page_size, desk.facets(c.conn), me=c.user.name)
    return desk.render("queue.html.j2", c.request, {**data, "_user": c.user})


def _case_data(desk: Desk, c: Ctx, case_id: str) -> dict[str, Any]:
    from ..store import queue, users

    view = queue.case_view(c.conn, case_id)
    rows = _case_rows(view)
    if not rows:
        raise Refused(404, _("Дело не найдено"),
                      _("В хранилище нет замечаний по делу «{case}».").format(case=case_id))
    ctx = _case_context(view)
    found = verdicts.find_record(verdicts.record_places(c.conn, case_id), case_id)
    ev = verdicts.evaluated(found, desk.settings.rules_dir, c.lang)
    fresh = verdicts.fresh_findings(ev)
    return {
        "case_id": case_id,
        "v": verdicts.particulars(found, ctx, case_id),
        "record_problem": found.problem,
        "findings": [pages.finding_view(r, c.titles, ctx, c.lang, fresh.get(r["fingerprint"])) for r in rows],
        "explain": verdicts.explain_lines(found, ev, desk.settings.rules_dir, c.lang),
        "judge": getattr(ctx, "judge_id", None) or "",
        "any_confirmed": any(r.get("status") == "confirmed" for r in rows),
        "reviewers": ([u.name for u in users.list_users(c.conn, include_inactive=False)] if c.user.head else []),
        "any_open": any(r.get("status") in pages.OPEN for r in rows),
        "_user": c.user,
        "_found": found, "_ctx": ctx, "_rows": rows,
    }


def _case_rows(view: Any) -> list[dict[str, Any]]:
    if view is None:
        return []
    if isinstance(view, dict):
        return list(view.get("candidates") or ())
    return list(getattr(view, "candidates", view) or ())


def _case_context(view: Any) -> Any:
    from ..report.context import context_from_json

    ctx = view.get("context") if isinstance(view, dict) else getattr(view, "context", None)
    if isinstance(ctx, (str, bytes)):
        return context_from_json(ctx if isinstance(ctx, str) else ctx.decode())
    if ctx is None:
        for r in _case_rows(view):
            if r.get("context"):
                return context_from_json(r["context"]) if isinstance(r["context"], str) else r["context"]
    return ctx


def _render_case(desk: Desk, c: Ctx, case_id: str, *, status: int = 200, **extra: Any) -> Response:
    data = _case_data(desk, c, case_id)
    for k in ("_found", "_ctx", "_rows"):
        data.pop(k)
    return desk.render("case.html.j2", c.request, {**data, "error": None, "error_fp": None, "conflict": None,
                                                    "reason": "", **extra}, status=status)


def case_view(desk: Desk, c: Ctx) -> Response:
    return _render_case(desk, c, c.request.path_params["case_id"])


def decide_view(desk: Desk, c: Ctx) -> Response:
    from ..store.review import DecisionConflict, InvalidDecision, UnknownFingerprint, decide

    case_id = c.request.path_params["case_id"]
    fp = c.form.get("fingerprint", "")
    action = c.form.get("action", "")
    reason = c.form.get("reason", "")
    from ..store import queue

    rows = {r["fingerprint"]: r for r in _case_rows(queue.case_view(c.conn, case_id))}
    if fp not in rows or action not in ("confirm", "dismiss"):
        raise Refused(400, _("Решение не принято"), _("Форма не относится к замечанию этого дела; обновите страницу."))
    try:
        version = int(c.form.get("version", ""))
    except ValueError:
        version = None
    try:
        decide(c.conn, fp, action, by=c.user.name, reason=reason, expected_version=version)
    except InvalidDecision:
        return _render_case(desk, c, case_id, status=400, error_fp=fp, reason=reason,
                            error=_("Чтобы отклонить замечание, укажите причину: она сохраняется в журнале решений."))
    except DecisionConflict as e:
        latest = pages.decision_words(e.latest) if e.latest is not None else None
        return _render_case(desk, c, case_id, status=409, error_fp=fp, reason=reason, conflict=latest,
                            error=str(e))
    except UnknownFingerprint as e:
        raise Refused(404, _("Замечание не найдено"), str(e)) from None
    log.info("decision recorded: %s on %s", action, fp[:12])
    return RedirectResponse(f"/case/{urllib.parse.quote(case_id, safe='')}#f-{fp[:12]}", status_code=303)


def assign_view(desk: Desk, c: Ctx) -> Response:
    """The head gives the case's open findings to a reviewer (or back to anyone's: an empty choice)."""
    from ..store import queue
    from ..store.users import UserError

    case_id = c.request.path_params["case_id"]
    if not _case_rows(queue.case_view(c.conn, case_id)):
        raise Refused(404, _("Дело не найдено"),
                      _("В хранилище нет замечаний по делу «{case}».").format(case=case_id))
    assignee = c.form.get("assignee", "").strip() or None
    try:
        queue.assign_case(c.conn, case_id, assignee, by=c.user.name)
    except UserError as e:
        raise Refused(400, _("Дело не назначено"), str(e)) from None
    log.info("case assigned")
    return RedirectResponse(f"/case/{urllib.parse.quote(case_id, safe='')}", status_code=303)


def protest_view(desk: Desk, c: Ctx) -> Response:
    case_id = c.request.path_params["case_id"]
    data = _case_data(desk, c, case_id)
    confirmed = [dict(pages.candidate_json(r), fingerprint=r["fingerprint"])
                 for r in data["_rows"] if r.get("status") == "confirmed"]
    if not confirmed:
        raise Refused(409, _("Проект не составлен"),
                      _("По делу «{case}» нет подтверждённых замечаний: проект ходатайства составляется "
                        "по подтверждённым.").format(case=case_id))
    body = verdicts.draft_docx(data["_found"], data["_ctx"], case_id, confirmed, desk.settings.rules_dir, c.lang)
    from ..report.html import draft_name  # the file name the HTML report gives the same draft

    name = draft_name(case_id, set())
    quoted = urllib.parse.quote(name)
    return Response(body, media_type=DOCX_MIME, headers={
        **SECURITY_HEADERS, "Content-Disposition": f"attachment; filename=\"draft.docx\"; filename*=UTF-8''{quoted}"})


def dashboard_view(desk: Desk, c: Ctx) -> Response:
    data = pages.dashboard_page(c.conn, c.titles)
    return desk.render("dashboard.html.j2", c.request, {**data, "_user": c.user})


# ---- signing in and out (auth local)


def login_endpoint(desk: Desk) -> Callable[[Request], Awaitable[Response]]:
    async def endpoint(request: Request) -> Response:
        form: dict[str, str] = {}
        if request.method == "POST":
            data = await request.form()
            form = {k: v for k, v in data.items() if isinstance(v, str)}
        return await run_in_threadpool(_login, desk, request, form)

    return endpoint


def _safe_next(value: str | None) -> str:
    """Only a path of this site (never «//evil.example» or «https://…»): no open redirect."""
    if not value or not value.startswith("/") or value.startswith("//") or "\\" in value:
        return "/"
    return value


def _login(desk: Desk, request: Request, form: dict[str, str]) -> Response:
    lang = _lang_of(request, desk.settings)
    with speech.speaking(lang):
        nxt = _safe_next(form.get("next") or request.query_params.get("next"))
        if desk.settings.auth != "local":
            return RedirectResponse(nxt, status_code=303)
        if request.method == "GET" and isinstance(request.session.get("user"), str):
            return RedirectResponse(nxt, status_code=303)  # already signed in
        error = ""
        name = form.get("name", "")
        if request.method == "POST":
            if not auth.csrf_ok(request.session, form.get(auth.CSRF_FIELD)):
                return _refusal(desk, request, Refused(403, _("Форма устарела"),
                                                       _("Страница входа устарела. Обновите её и войдите снова.")))
            conn = desk.connect()
            try:
                user = auth.check_password(conn, name, form.get("password", ""))
            finally:
                conn.close()
            if user is not None:
                request.session.clear()  # a new session at sign-in: a token planted before it is not kept
                request.session["user"] = user.name
                request.session["lang"] = lang
                auth.csrf_token(request.session)
                log.info("signed in")
                return RedirectResponse(nxt, status_code=303)
            log.info("sign-in refused")
            error = _("Неверное имя или пароль.")
        return desk.render("login.html.j2", request, {"next": nxt, "name": name, "error": error},
                           status=401 if error else 200)


def _stale_form(desk: Desk, request: Request) -> Response:
    with speech.speaking(_lang_of(request, desk.settings)):
        return _refusal(desk, request, Refused(403, _("Форма устарела"),
                                               _("Страница, с которой отправлена форма, устарела или открыта "
                                                 "не с этого сайта. Обновите страницу и повторите.")))


def logout_endpoint(desk: Desk) -> Callable[[Request], Awaitable[Response]]:
    async def endpoint(request: Request) -> Response:
        data = await request.form()
        if not auth.csrf_ok(request.session, data.get(auth.CSRF_FIELD)):
            return await run_in_threadpool(_stale_form, desk, request)
        lang = request.session.get("lang")
        request.session.clear()
        if lang:
            request.session["lang"] = lang
        return RedirectResponse("/login" if desk.settings.auth == "local" else "/", status_code=303)

    return endpoint


async def stylesheet(request: Request) -> Response:
    from importlib.resources import files

    css = (files("legality") / "templates" / "serve" / "desk.css").read_text(encoding="utf-8")
    return Response(css, media_type="text/css", headers={"Cache-Control": "max-age=3600",
                                                         "X-Content-Type-Options": "nosniff"})


def create_app(settings: Settings) -> Starlette:
    """The application over `settings.db` (no request is served before the store opens once)."""
    desk = Desk(settings)
    conn = desk.connect()  # a store that cannot be opened stops the command, not the first visitor
    conn.close()
    routes = [
        Route("/", _page(desk, queue_view)),
        Route("/case/{case_id:path}/protest.docx", _page(desk, protest_view)),
        Route("/case/{case_id:path}/decide", _page(desk, decide_view), methods=["POST"]),
        Route("/case/{case_id:path}/assign", _page(desk, assign_view, head=True), methods=["POST"]),
        Route("/case/{case_id:path}", _page(desk, case_view)),
        Route("/dashboard", _page(desk, dashboard_view, head=True)),
        Route("/login", login_endpoint(desk), methods=["GET", "POST"]),
        Route("/logout", logout_endpoint(desk), methods=["POST"]),
        Route("/desk.css", stylesheet),
    ]
    middleware = [Middleware(SessionMiddleware, secret_key=settings.secret, session_cookie=SESSION_COOKIE,
                             max_age=SESSION_AGE, same_site="lax", https_only=settings.https_only)]
    app = Starlette(routes=routes, middleware=middleware)
    app.state.desk = desk
    return app
