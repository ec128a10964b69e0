"""A lexicon of symptom CONCEPTS found in how engineers describe a 403 incident.

Each concept ("the first call works then later ones fail", "only from inside the VPC", "after I
added a resource policy") is matched by several regexes covering synonyms and word orders, not by
one phrasing. Matches are negation-aware: "we don't use a custom domain" does not count as the
custom_domain concept (it is reported as denied instead). Concepts whose patterns already carry
the negation ("the authorizer never logs") are not negatable. Pure and total: never raises.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache

from wizard.regex_cache import compile_all

_W = r"(?:\s+[\w'/.$-]+)"  # one more word
_AUTHZ = r"(?:lambda\s+|custom\s+|token\s+|request\s+)?authori[sz]er(?:\s+lambda|\s+function|'s)?"
_FAIL = (
    r"(?:403|forbidden|fail|fails|failed|failing|denied|rejected|error|errors|401|"
    r"not\s+authori[sz]ed|blocked|refused)"
)
_WORKS = (
    r"(?:works?|worked|working|succeeds?|succeeded|passes|passed|goes\s+through|went\s+through|loads|loaded|"
    r"is\s+fine|are\s+fine|was\s+fine|ok|okay|200|returns?\s+200|returned\s+200|is\s+ok|succeed)"
)


@dataclass(frozen=True)
class Concept:
    name: str
    sources: tuple[str, ...]
    negatable: bool = True

    @property
    def patterns(self) -> tuple[re.Pattern[str], ...]:
        """Compiled on first use, once: importing this module compiles nothing."""
        return _compiled(self.sources)


@cache
def _compiled(sources: tuple[str, ...]) -> tuple[re.Pattern[str], ...]:
    known = _lexicon().get(sources)
    return known if known is not None else tuple(re.compile(p, re.IGNORECASE) for p in sources)


@cache
def _lexicon() -> dict[tuple[str, ...], tuple[re.Pattern[str], ...]]:
    """Every concept's patterns, compiled together: a scan uses them all, and as one family they
    are kept compiled between runs (wizard.regex_cache; ~0.2 s of a cold start otherwise)."""
    flat = [(p, re.IGNORECASE) for c in CONCEPTS for p in c.sources]
    compiled = iter(compile_all("symptoms", flat))
    return {c.sources: tuple(next(compiled) for _ in c.sources) for c in CONCEPTS}


def _c(name: str, *patterns: str, negatable: bool = True) -> Concept:
    return Concept(name, tuple(patterns), negatable)


CONCEPTS: tuple[Concept, ...] = (
    # ---------------------------------------------------------------- authorizer cache
    _c(
        "first_call_works_then_fails",
        rf"\b(?:first|initial|1st)\b{_W}{{0,4}}\s+{_WORKS}",
        rf"\b(?:later|subsequent|following|next|consecutive|successive)\b{_W}{{0,4}}\s+(?:would\s+|will\s+|then\s+)?(?:always\s+|all\s+)?(?:fail|fails|failed|failing|break|breaks|broke|403|are\s+denied|get\s+denied|are\s+rejected)\b",
        rf"{_WORKS}{_W}{{0,3}}\s+(?:the\s+|on\s+the\s+|for\s+the\s+)?(?:very\s+)?first\s+(?:time|call|request|attempt|one|page|screen|route|endpoint|tab|click)",
        rf"\b(?:later|subsequent|following|next|consecutive|successive)\b{_W}{{0,4}}\s+(?:get|gets|got|getting|fail|fails|failed|return|returns|returned|are|is|give|gives|hit|hits|receive|end)\b{_W}{{0,3}}\s*[\"'“]?{_FAIL}",
        rf"\b(?:second|third|other|remaining|further)\s+(?:[\w/-]+\s+){{0,2}}(?:calls?|requests?|attempts?|ones|times?|invocations?|updates?|saves?|hits?|tries|clicks?|pages?)\b{_W}{{0,3}}\s+(?:get|gets|got|getting|fail|fails|failed|return|returns|returned|are|is|give|gives|hit|hits|receive|end)\b{_W}{{0,3}}\s*{_FAIL}",
        r"\bworks?\s+(?:only\s+)?once\b",
        rf"{_WORKS}\s*[,;]\s*(?:and\s+)?then\s+(?:the\s+)?(?:[\w/{{}}-]+\s+){{0,3}}(?:->\s*|=>\s*|gives?\s+|returns?\s+)?{_FAIL}",
        rf"{_WORKS}\s+(?:and\s+)?then\s+(?:the\s+)?(?:[\w/{{}}-]+\s+){{0,3}}{_FAIL}",
        r"\bif\s+(?:i|we|you)\s+(?:call|hit|request)\s+(?:[\w/{}-]+\s+){0,3}first\b",
        r"\bonly\s+the\s+first\b",
        r"\bafter\s+the\s+first\s+(?:call|request|one|invocation|hit)\b",
        r"\bdepend(?:s|ing)?\s+on\s+which\s+(?:endpoint|route|path|resource|method|api)",
        r"\bwhichever\s+(?:endpoint|route|path|resource|method)\s+(?:is\s+)?(?:called|hit|requested)\s+first",
        rf"\bthen\s+(?:all\s+)?(?:the\s+)?(?:other|next|rest|later|subsequent)\b{_W}{{0,3}}\s*{_FAIL}",
        rf"\bthen\s+{_FAIL}\s+(?:on|for)\s+(?:the\s+|all\s+)?(?:other|others|next|rest|subsequent|later)",
    ),
    _c(
        "other_routes_fail",
        r"\b(?:other|different|another|second|remaining)\s+(?:routes?|endpoints?|paths?|methods?|resources?|apis?|urls?)\b",
        r"\bsame\s+(?:token|jwt|bearer|credentials|session)\b",
    ),
    _c(
        "authorizer_not_invoked",
        rf"{_AUTHZ}\s+(?:is\s+|was\s+|gets\s+|got\s+)?(?:never|not|isn't|wasn't|isnt|wasnt)\s+(?:even\s+|being\s+)?(?:invoked|called|triggered|run|executed|hit|reached|firing|fired)",
        rf"{_AUTHZ}\s+(?:never|doesn't|does\s+not|didn't|did\s+not|don't|won't)\s+(?:even\s+|get\s+|gets\s+)?(?:log|logs|run|runs|fire|fires|execute|called|invoked|triggered|get\s+called|get\s+invoked|show\s+up|print|see|receive)",
        rf"\bno\s+(?:logs?|invocations?|log\s+(?:entries|lines|output)|cloudwatch\s+logs?|trace|traces|calls?)\b{_W}{{0,4}}\s+(?:from|for|in|of|by)\s+(?:the\s+|my\s+|our\s+)?{_AUTHZ}",
        rf"{_AUTHZ}(?:\s+lambda)?(?:'s)?\s+(?:logs?|cloudwatch(?:\s+logs?)?|log\s+group|invocation\s+count|metrics)\s+(?:show|shows|has|have|had|are|is|stay|stays)\s+(?:nothing|no\b|empty|zero|silent)",
        rf"(?:never|doesn't|does\s+not|didn't|did\s+not|not|without)\s+(?:even\s+)?(?:reach|reaches|reaching|hit|hits|hitting|invoke|invokes|invoking|trigger|triggers|triggering|call|calls|calling|running|get\s+to)\s+(?:the\s+|my\s+|our\s+)?{_AUTHZ}",
        rf"{_AUTHZ}\s+(?:is\s+)?(?:silent|skipped|bypassed)",
        r"\bcache\s+hit\b",
        r"\b(?:no|missing)\s+['\"]?starting\s+authorizer",
        r"\bno\s+(?:lambda\s+)?authori[sz]er\s+(?:lines?|logs?|log\s+lines|entries|output|invocations?|calls?|execution)\b",
        r"\b(?:nothing|no\s+(?:trace|entry|entries|invocation|logs?))\b[^.\n]{0,60}\bauthori[sz]er\b[^.\n]{0,40}\b(?:trace|logs?|invocation|entry|shows?|at\s+all)\b",
        negatable=False,
    ),
    _c(
        "authorizer_invoked",
        rf"{_AUTHZ}\s+(?:is\s+|was\s+|gets\s+|got\s+)?(?:invoked|called|triggered|runs|ran|executes|executed|fires|fired|logs|logged|succeeds|succeeded)",
        rf"{_AUTHZ}\s+(?:\w+\s+){{0,3}}(?:returns?|returned|returning|responds?|responded)\b",
        r"\bstarting\s+authorizer\b",
    ),
    _c(
        "authorizer_allows",
        rf"{_AUTHZ}{_W}{{0,5}}\s+(?:returns?|returned|returning|gives?|produces?|generates?|responds?\s+with|sends?\s+back)\s+(?:an?\s+|the\s+)?(?:valid\s+|correct\s+)?(?:\"?allow\"?|effect\W{{0,4}}allow|allow\s+policy|policy\s+with\s+allow)",
        r"\beffect\W{0,4}allow\b",
        r"\bisauthorized\W{0,4}true\b",
    ),
    _c(
        "authorizer_denies",
        rf"(?:{_AUTHZ}|lambda|function|code){_W}{{0,5}}\s+(?:returns?|returned|returning|gives?|produces?|generates?|responds?\s+with|sends?\s+back)\s+(?:an?\s+|the\s+)?(?:explicit\s+)?(?:\"?deny\"?|effect\W{{0,4}}deny|deny\s+policy|policy\s+with\s+deny)",
        r"\beffect\W{0,4}deny\b",
        r"\bgeneratePolicy\([^)]*deny",
        r"\breturns?\s+deny\b",
    ),
    _c(
        "expired_token_deny",
        rf"\b(?:expired|invalid|bad|stale|malformed)\s+tokens?{_W}{{0,6}}\s+(?:deny|denied|403|forbidden)",
        r"\bdeny\s+(?:for|on|when)\s+(?:an?\s+|the\s+)?(?:expired|invalid|bad)\s+token",
        r"\binstead\s+of\s+(?:a\s+|throwing\s+|raising\s+)?(?:401|unauthorized)",
    ),
    _c(
        "token_refresh",
        r"\b(?:expired|expiring|refreshed|new|fresh|renewed|rotated)\s+(?:access\s+|id\s+|jwt\s+|bearer\s+)?tokens?\b",
        r"\btokens?\s+(?:expired|expires|expiry|expiration|refresh|refreshed|renewal|rotation)\b",
        r"\brefresh(?:ed|ing)?\s+(?:the\s+|my\s+|our\s+)?(?:access\s+|id\s+)?token",
        r"\bafter\s+(?:re-?)?log(?:ging)?\s*in\b|\blog(?:ged|ging)?\s+(?:out|back\s+in)\b|\bre-?login\b",
    ),
    _c(
        "persists_after_fix",
        r"\b(?:new|fresh|refreshed|renewed)\s+token\b.{0,60}\b(?:still|keeps?|kept|continues?)\b",
        r"\b(?:still|keeps?|kept|continues?\s+to)\s+\w+(?:ing)?\b.{0,30}\b403\b.{0,30}\b(?:new|fresh|refreshed|renewed)\s+token",
        rf"\b(?:kept|keep|keeps|continued\s+to|continue\s+to|still)\s+(?:get(?:ting|s)?|receiv(?:e|es|ing)|see(?:s|ing)?|hit(?:ting)?|answer(?:ing)?|return(?:ing)?|respond(?:ing)?|giv(?:e|ing)|fail(?:ing)?)\b{_W}{{0,8}}\s+(?:for\s+(?:a\s+long\s+time|minutes|hours|a\s+while|up\s+to|(?:about\s+|around\s+|~\s*|another\s+)?\d+\s*(?:s|sec|seconds|m|min|mins|minutes|h|hours?)\b)|afterwards|after\s+(?:the\s+)?(?:fix|rollback|roll-?back|revert))",
        r"\b(?:new|fresh)\s+(?:logins?|tokens?|sessions?|users?)\s+(?:were|are|was|is|work|works|worked)\s+(?:fine|ok|okay)\b",
        r"\b(?:rolled\s+back|reverted|fixed\s+the\s+authori[sz]er)\b.{0,80}\b(?:still|kept|keep)\b",
    ),
    _c(
        "different_users",
        r"\b(?:different|another|other|second)\s+(?:users?|tenants?|customers?|accounts?\s+in\s+(?:our|the)\s+app)\b",
        r"\buser\s+a\b.{0,80}\buser\s+b\b",
        r"\b(?:wrong|previous|other)\s+user'?s?\s+(?:permissions|policy|decision|access)",
        r"\bmulti-?tenant\b|\btenant\s+(?:id|header)\b",
    ),
    _c(
        "caching_mentioned",
        r"\b(?:authori[sz]er|authorization|policy|result)\s+cach(?:e|ing|ed)\b",
        r"\bcach(?:e|ing)\s+(?:is\s+)?(?:enabled|on|turned\s+on)\b",
        r"\b(?:result\s+)?ttl\b|authorizerResultTtlInSeconds",
        r"\bcached\s+(?:policy|response|result|decision|deny|allow)\b",
        r"(?:results?)?CacheTtl|ResultTtl|resultsCacheTtl|TtlInSeconds",
        r"\bcach(?:e|ing)\s+(?:is\s+|on\s+|at\s+|left\s+(?:at\s+)?|set\s+to\s+)?(?:the\s+)?default\b",
        r"\bauthori[sz]er\b.{0,60}\bdefault\s+(?:settings|config(?:uration)?|ttl|caching|options)\b|\bdefault\s+(?:settings|ttl|caching)\b.{0,40}\bauthori[sz]er\b",
        r"\bcach(?:e|es|ed|ing)\s+(?:the\s+|its\s+|that\s+)?(?:authori[sz]er\s+)?(?:response|result|policy|policies|decision)s?\b",
    ),
    _c(
        "cache_flush_helps",
        rf"\bflush(?:ing|ed)?\s+(?:the\s+)?(?:stage\s+)?(?:authori[sz]er\s+)?cache{_W}{{0,5}}\s+(?:fix|fixes|fixed|help|helps|helped|work|works|worked|solve|solves|solved|resolv\w*)",
        rf"\b(?:after|wait(?:ing)?(?:\s+for)?)\s+(?:about\s+|around\s+|~)?(?:\d+|a\s+few|five|ten|some|the\s+ttl|several)\s*(?:min(?:ute)?s?|seconds|ttl)?{_W}{{0,4}}\s+(?:it\s+|things\s+|everything\s+)?(?:works?|worked|recovers?|recovered|comes?\s+back|is\s+fine|goes\s+away|clears?)",
        r"\b(?:works?|worked)\s+again\s+after\s+(?:\d+|a\s+few|five|some)",
        rf"\b(?:disabl(?:e|ed|ing)|turn(?:ed|ing)?\s+off)\s+(?:the\s+)?(?:authori[sz]er\s+)?cach(?:e|ing){_W}{{0,4}}\s+(?:fix|fixes|fixed|help|helps|helped|work|works|worked|solve|solves|solved)",
        r"\b(?:setting|set|changing|changed|lowering|lowered)\s+(?:the\s+)?(?:authori[sz]er\s+)?ttl\s+to\s+(?:0|zero)\b.{0,40}\b(?:fix|fixes|fixed|help|helps|helped|work|works|worked|solve|solved)",
    ),
    _c(
        "fails_for_minutes",
        r"\b(?:403|fails?|failing|forbidden|denied|blocked|errors?)\b.{0,25}\bfor\s+(?:like\s+|about\s+|around\s+|~\s*|up\s+to\s+|roughly\s+)?(?:\d+|a\s+few|five|ten|several|some)\s*(?:min(?:ute)?s?|m|hours?|h)\b",
    ),
    _c(
        "policy_scoped_to_method_arn",
        r"\b(?:returns?|returning|returned|uses?|using|scoped\s+to|built\s+from|resource\s*[:=]\s*)\s*(?:the\s+)?(?:event\.)?methodArn\b",
        r"\b(?:event\.)?methodArn\s+as\s+(?:the\s+)?resource\b|generatePolicy\([^)]*methodArn",
    ),
    _c(
        "identity_source",
        r"\bkeyed\s+(?:on|by)\b|\bcache\s+(?:is\s+)?keyed\b",
        r"\bidentity\s*sources?\b|identitySource|\bcache\s+key\b|context\.identity\.sourceIp",
    ),
    _c(
        "arn_construction",
        r"\b(?:built|hard-?coded|copied|constructed)\s+(?:with|from|using)\s+(?:the\s+)?(?:first|other|old|wrong|another|dev|prod|previous)\s+(?:api|account|stage|region)(?:'s)?\b",
        r"\bmethod\s*arn\b|methodArn|\bresource\s+arn\b",
        r"/null/|\bnull\s+stage\b|\bstage\b.{0,20}\bnull\b",
        r"\b(?:wrong|different|hard-?coded|hardcoded)\s+(?:region|account|stage|api\s*id|arn)s?\b",
        r"\barn\s+(?:format|mismatch|is\s+wrong|does(?:n't|\s+not)\s+match)\b",
        r"\bresource\W{0,4}arn:aws:execute-api",
        r"\bspecific\s+(?:method\s+)?arn\b|\barn\s+(?:of|for)\s+the\s+(?:method|resource|request|endpoint|route)\b",
        r"\bpath\s+parameters?\s+(?:are\s+|is\s+)?not\s+in\s+(?:our|the|my)\s+resource\b",
    ),
    _c("wildcard_resource", r"/\*/\*|\*/\*|\bwildcard\b"),
    # ---------------------------------------------------------------- deploys and changes
    _c(
        "changed_no_effect",
        rf"\b(?:updated|changed|modified|edited|fixed|corrected|added|removed|saved|attached|replaced)\b{_W}{{0,6}}\s+(?:policy|resource\s+policy|authori[sz]er|method|settings?|config(?:uration)?|route|permissions?)\b{_W}{{0,8}}\s+(?:but|still|yet|and\s+still)\b",
        r"\bstill\s+(?:get(?:ting)?|gets|returns?|returning|see(?:ing)?|sees|receiv(?:e|es|ing)|enforces?|enforcing|applies|applying)\W{0,3}(?:[\w'-]+\W{1,3}){0,3}?(?:old|same|previous|403|forbidden|error|denied|deny|accessdenied|not\s+authori[sz]ed)",
        r"\b(?:take|takes|taking|need|needs)\s+(?:some\s+)?time\s+to\s+(?:propagate|apply|take\s+effect)\b|\bpropagation\s+(?:delay|time)\b",
        r"\bstill\s+(?:behave|behaves|behaving|acts?|acting|works?|working|run|runs)\s+(?:like|as)\s+(?:the\s+)?(?:old|before|previous)",
        r"\b(?:do|does|should)\s+(?:i|we|it|one)\s+(?:need|have)\s+to\s+(?:re-?)?deploy\b",
        r"\buntil\s+(?:i|we|you|they|someone)\s+(?:manually\s+)?(?:re-?)?deploy",
        r"\b(?:changes?|updates?|edits?)\s+(?:are\s+|were\s+|is\s+|was\s+)?(?:not|never)\s+(?:applied|reflected|active|effective|live|picked\s+up)\b",
        r"\b(?:need|needs|needed|have|had|has)\s+to\s+(?:manually\s+)?(?:re-?)?deploy\b(?:\s+\w+){0,4}\s+(?:so|for|before|to\s+make)\b",
        r"\b(?:doesn't|does\s+not|didn't|did\s+not|won't|never)\s+(?:\w+\s+)?(?:kick\s+off|trigger|create)\s+(?:a\s+)?(?:new\s+)?(?:re-?)?deploy(?:ment)?\b",
        r"\b(?:has|had|have|with|made|makes)\s+no\s+effect\b|\bnot\s+tak(?:e|ing)\s+effect\b",
        r"\b(?:didn't|did\s+not|doesn't|does\s+not|never)\s+(?:pick\s+up|picked\s+up|take\s+effect|took\s+effect|apply|applied|get\s+applied)\b",
        r"\bconsole\s+(?:shows?|displays?)\s+(?:the\s+)?(?:new|updated|correct|right|changed)",
        rf"\b(?:deploying|redeploying|re-deploying|deployed|redeployed|re-deployed)\b{_W}{{0,5}}\s+(?:manually|from\s+the\s+console|in\s+the\s+console|by\s+hand|again)\b{_W}{{0,4}}\s+(?:fix|fixes|fixed|solv\w*|work\w*|help\w*|resolv\w*)",
        rf"\bmanual(?:ly)?\s+(?:re)?deploy(?:ing|ment|ed)?\b{_W}{{0,4}}\s+(?:fix|fixes|fixed|solv\w*|work\w*|help\w*)",
        rf"\b(?:create|created|creating|new)\s+(?:a\s+)?deployment\b{_W}{{0,4}}\s+(?:fix|fixes|fixed|solv\w*|work\w*|help\w*)",
        r"\bforg[oe]t\s+to\s+(?:re-?)?deploy\b|\b(?:didn't|did\s+not|never|haven't|have\s+not|hadn't)\s+(?:re-?)?deploy(?:ed)?\b",
        r"\bafter\s+(?:a\s+)?(?:re-?)?deploy(?:ing|ment)?\s+(?:the\s+)?(?:api|stage)\s+(?:again\s+)?(?:manually\s+)?it\s+work",
        r"\b(?:redeploy|re-deploy)(?:ing|ed)?\s+(?:the\s+)?(?:api|stage)?\s*(?:fixed|fixes|solved|solves|helped)",
        r"\bdeployment\s+(?:is\s+)?(?:stale|old|outdated)\b|\bold\s+deployment\b",
        r"\bdeploy\s+(?:did\s+not|didn't|doesn't|does\s+not)\s+(?:pick|update|apply|include|create)",
    ),
    _c(
        "console_shows_change",
        r"\bconsole\s+(?:[\w-]+\s+){0,3}(?:shows?|displays?|contains?|has|lists?)\s+(?:[\w-]+\s+){0,3}(?:new|updated|correct|right|changed|latest|fixed)\b",
        r"\b(?:policy|json|configuration|config|settings?)\s+in\s+the\s+console\s+(?:clearly\s+|now\s+|already\s+)?(?:contains?|shows?|has|lists?|includes?)\b",
    ),
    _c(
        "iac_tool",
        r"\b(?:cdk|terraform|cloudformation|cfn|serverless\s+framework|serverless\.ya?ml|sls\s+deploy|sam\s+deploy|sam\s+template|pulumi|chalice|zappa|amplify\s+push|tf\s+apply|terraform\s+apply)\b",
    ),
    _c(
        "after_deploy",
        r"\b(?:since|after|started\s+after|began\s+after|right\s+after|ever\s+since)\s+(?:the\s+|our\s+|a\s+|my\s+|we\s+)?(?:last\s+|latest\s+|recent\s+|new\s+|yesterday's\s+)?(?:deploy|deployment|deployed|release|upgrade|update|migration|redeploy)",
    ),
    _c(
        "route_added",
        r"\b(?:added|created|defined|introduced)\s+(?:a\s+|the\s+|an\s+)?(?:new\s+)?(?:route|resource|endpoint|method|path|lambda\s+integration)\b",
        r"\bnew\s+(?:route|resource|method|path)\b",
        r"\b(?:added|created|defined)\s+(?:a\s+|the\s+|an\s+)?(?:new\s+)?(?:GET|POST|PUT|DELETE|PATCH|ANY)\b",
        r"\b(?:route|resource|endpoint|method|path)s?\s+(?:was|were|got|has\s+been|have\s+been)\s+(?:added|created|defined)\b",
        r"\b(?:route|resource|endpoint|method)\s+(?:shows?|is|exists)\s+(?:up\s+)?in\s+the\s+console\b",
    ),
    _c(
        "no_api_logs",
        r"\b(?:cloudwatch|the\s+logs?|logs|log\s+groups?|access\s+logs?|execution\s+logs?)\s+(?:shows?|has|have|contains?|had)\s+(?:nothing|no\s+(?:entries|entry|logs?|records?|lines?|trace))\b",
        r"\b(?:no|nothing|never)\b[^.\n]{0,40}\b(?:lambda|function|backend|application|app)(?:'s)?\s+(?:own\s+)?(?:logs?|invocations?|cloudwatch)\b|\b(?:before|without)\s+(?:it\s+)?(?:ever\s+)?(?:reach(?:es|ing)?|hitting|invoking)\s+(?:the\s+)?(?:lambda|backend|function|application)\b",
        rf"\b(?:nothing|no\s+(?:entries|entry|lines?|logs?|records?|trace|traces|sign))\b{_W}{{0,4}}\s+(?:in|from|shows?\s+(?:up\s+)?in|appears?\s+in|at)\s+(?:the\s+|our\s+|my\s+)?(?:api\s*gateway\s+|api\s+|execution\s+|access\s+|stage\s+|cloudwatch\s+)*logs?\b",
        r"\blogs?\s+(?:are|is|stay|stays|remain|remains)\s+(?:completely\s+)?empty\b|\bno\s+logs?\s+anywhere\b",
        r"\b(?:couldn't|could\s+not|can't|cannot)\s+find\s+any\s+(?:request|log|trace)",
        r"\bnothing\s+(?:shows|appears|is\s+logged|gets\s+logged)\b",
        negatable=False,
    ),
    _c(
        "stages_listed",
        r"\bget-stages\b|\b(?:only|our)\s+stages?\s+(?:is|are)\b|\bstages?\s+list(?:s|ed)?\s+only\b",
        negatable=False,
    ),
    _c(
        "usage_plans_empty",
        r"get-usage-plans[^.\n]{0,80}\b(?:empty|\[\s*\]|no\s+(?:plans?|items)|nothing|none)\b",
        r"\b(?:key|api\s+key)\s+(?:is\s+)?(?:not\s+in\s+any|in\s+no)\s+(?:usage\s+)?plan",
        negatable=False,
    ),
    _c(
        "key_in_plan_for_stage",
        r"\b(?:key\s+)?(?:is|IS)\s+in\s+the\s+usage\s+plan\s+(?:for|of)\s+(?:this|the|our)\s+stage\b|\bplan\s+(?:includes|has|lists)\s+(?:this|the|our)\s+(?:api\s+)?stage\b",
        negatable=False,
    ),
    _c(
        "export_missing_route",
        r"\bget-export\b[^.\n]{0,80}\b(?:doesn't|does\s+not|don't|not|missing|lacks?)\b",
        r"\bget-resources\b[^.\n]{0,80}\bbut\s+(?:not\s+)?(?:the\s+)?(?:get-)?export\b",
        negatable=False,
    ),
    _c(
        "route_absent_everywhere",
        r"\b(?:get-export|get-resources)\b[^.\n]{0,40}\b(?:and|&)\s+(?:get-export|get-resources)\b[^.\n]{0,20}\bboth\b|\bboth\s+(?:list|show)\s+only\b",
        negatable=False,
    ),
    _c(
        "route_exists",
        r"\b(?:the\s+)?(?:route|resource|method|path|endpoint)s?\b[^.\n]{0,25}\b(?:definitely|really|does|do)?\s*exists?\b",
        r"\b(?:route|resource|method)s?\s+(?:is|are)\s+(?:definitely\s+)?(?:there|defined|deployed)\b",
    ),
    _c(
        "gateway_response_status_changed",
        r"gateway\s+responses?\b[^.\n]{0,80}\bstatus(?:\s+code)?\s+(?:to\s+|of\s+)?\d{3}\b",
        r"\b(?:UNAUTHORIZED|DEFAULT_4XX|ACCESS_DENIED|MISSING_AUTHENTICATION_TOKEN|INVALID_API_KEY)\b[^.\n]{0,60}\bstatus(?:\s+code)?\s+(?:to\s+)?\d{3}\b",
        negatable=False,
    ),
    _c(
        "console_test_works",
        r"\b(?:console|test\s+tab|test\s+button|test-invoke|test\s+invoke|testinvoke|method\s+test)\b.{0,60}?\b(?:works?|worked|succeeds?|succeeded|2\d\d|fine|ok|passes|passed)\b",
        r"\b(?:works?|worked|succeeds?)\s+(?:fine\s+|perfectly\s+)?(?:in|from|via|with)\s+(?:the\s+)?(?:api\s+gateway\s+|aws\s+)?(?:console|test\s+tab)",
        r"\btest(?:ing)?\s+(?:it\s+)?(?:in|from)\s+the\s+(?:api\s+gateway\s+)?console\b",
        rf"\btest(?:ed|ing|s)?\b{_W}{{0,4}}\s+(?:in|from|via|using)\s+the\s+(?:aws\s+|api\s*gateway\s+)*console\b",
    ),
    # ---------------------------------------------------------------- resource policy, network
    _c(
        "resource_policy",
        r"\bresource[- ]?(?:based\s+)?polic(?:y|ies)\b|\bapi\s+polic(?:y|ies)\b|x-amazon-apigateway-policy|\bResourcePolicy\b|\bpolicy\s+on\s+the\s+api\b",
    ),
    _c(
        "rp_allows",
        r"\bresource[- ]?(?:based\s+)?polic(?:y|ies)\s+(?:\w+\s+){0,2}(?:allows?|grants?|permits?)\b",
    ),
    _c(
        "rp_removed",
        r"\bresource[- ]?(?:based\s+)?polic(?:y|ies)\s+(?:was|were|got|has\s+been|have\s+been)\s+(?:deleted|removed|dropped|erased|wiped|emptied)\b",
        r"\b(?:deleted|removed|dropped|erased|wiped)\s+(?:the\s+|our\s+|its\s+)?(?:api'?s?\s+)?resource[- ]?(?:based\s+)?polic(?:y|ies)\b",
    ),
    _c(
        "added_resource_policy",
        r"\b(?:added|attached|introduced|applied|put|set|adding|attaching|applying|enabled)\s+(?:a\s+|an\s+|the\s+|our\s+)?(?:new\s+)?(?:\w+\s+)?resource[- ]?(?:based\s+)?polic(?:y|ies)",
        r"\bafter\s+(?:adding|attaching|applying)\s+(?:a\s+|an\s+|the\s+)?(?:\w+\s+)?polic(?:y|ies)",
    ),
    _c(
        "ip_allowlist",
        r"\bip\s*(?:allow\s*-?list|white\s*-?list|whitelist|allowlist|restriction|filter|range|block|based)",
        r"\b(?:allow(?:ed)?|white)[- ]?list(?:ed|ing)?\s+(?:our\s+|the\s+|my\s+)?(?:ips?|addresses|cidrs?)",
        r"\bsource\s*ip\b|aws:SourceIp|NotIpAddress|IpAddress\b|\bcidrs?\b|\ballowed\s+ips?\b|\begress\s+ip|\bnat\s+gateway|\boffice\s+ip|\bour\s+ip\b|\bmy\s+ip\b|\bpublic\s+ip\b|\belastic\s+ip\b",
    ),
    _c(
        "explicit_deny_statement",
        r"\bdeny\b.{0,40}aws:Source(?:Vpce?|Ip)\b|\bdeny\s+(?:where|with|when|if|unless)\b",
        r"\"effect\"\s*:\s*\"deny\"|\bdeny\s+statement\b|\bdeny\s+(?:unless|if|when|all|everything)\b|\bNotIpAddress\b|\bStringNotEquals\b",
    ),
    _c(
        "only_from_vpc",
        r"\b(?:from|inside|within|in|via)\s+(?:a\s+|the\s+|our\s+|my\s+)?(?:same\s+|own\s+|private\s+)*(?:vpc|subnet|private\s+subnet)s?\b",
        rf"\b(?:lambda|function|service|container|task|pod|instance|job|runner)s?\b{_W}{{0,3}}\s+(?:in|inside|attached\s+to|within|running\s+in)\s+(?:a\s+|the\s+|our\s+|my\s+)?vpc\b",
        r"\bvpc[- ](?:attached|enabled|bound|connected)\b",
        r"\b(?:from|inside|in|on|within)\s+(?:an?\s+|our\s+|the\s+|my\s+)?(?:ecs|eks|fargate|ec2|codebuild|kubernetes|k8s|pods?|containers?|sagemaker|glue|batch)\b",
        r"\b(?:ecs|eks|fargate|ec2|codebuild|kubernetes|k8s|sagemaker)\s+(?:tasks?|pods?|containers?|instances?|jobs?|nodes?|workers?|runners?)\b(?:\s+\w+){0,2}\s+(?:call|calls|calling|get|gets|fail|fails|can't|cannot|receive|receives)\b",
        r"\bpods?\s+(?:in|on|inside)\b",
    ),
    _c(
        "works_outside",
        rf"\b{_WORKS}\s+(?:fine\s+|perfectly\s+|just\s+fine\s+)?(?:from|on|in|at)\s+(?:my\s+|our\s+|the\s+|a\s+)?(?:laptop|local\s+machine|machine|home|desktop|workstation|internet|outside|public\s+internet|pc|mac|office)",
        r"\bfrom\s+(?:my|our|the)\s+(?:laptop|machine|desktop|workstation|office)\s+(?:it\s+)?(?:works|is\s+fine|succeeds|returns\s+200)",
        r"\b(?:curl|postman)\s+from\s+(?:my\s+)?(?:laptop|machine|desktop)\s+(?:works|succeeds|returns\s+200)",
        r"\b(?:outside|out\s+of)\s+(?:the\s+)?vpc\b.{0,40}\b(?:works|fine|200)",
    ),
    _c(
        "private_api",
        r"\bprivate\s+(?:rest\s+)?(?:api|endpoint\s+type|api\s+gateway|gateway)\b|\bendpoint\s+type\W{0,5}private\b|(?-i:\bPRIVATE\b)|\bprivate\s+endpoint\b",
    ),
    _c(
        "public_api",
        r"\bapi(?:\s*gateway)?\s*\(\s*public\s*\)|\bpublic\s+api\s*gateway\b|\bapi\s+gateway\s+is\s+public\b",
        r"\b(?:regional|edge[- ]optimi[sz]ed|public)\s+(?:rest\s+)?(?:api|endpoint)\b|\bendpoint\s+type\W{0,5}(?:regional|edge)\b",
    ),
    _c(
        "vpc_endpoint",
        r"\bvpc\s+endpoints?\b|\bvpce-[0-9a-z]+|\binterface\s+endpoints?\b|\bexecute-api\s+endpoint\b|\bprivatelink\b|\bprivate\s+link\b|com\.amazonaws\.[a-z0-9-]+\.execute-api",
    ),
    _c(
        "private_dns_off",
        r"\bprivate\s*dns\s+(?:is\s+|was\s+)?(?:disabled|off|turned\s+off|false)\b|PrivateDnsEnabled\W{0,4}(?:false|False)\b|\b(?:without|no)\s+private\s*dns\b|private\s*dns\s+(?:is\s+)?not\s+enabled|(?:does\s+not|doesn't)\s+have\s+private\s*dns",
        negatable=False,
    ),
    _c(
        "private_dns",
        r"\bprivate\s*dns\b|PrivateDnsEnabled|\bprivate\s+hosted\s+zone\b|\bresolves?\s+to\s+(?:a\s+|an\s+)?(?:private|internal|10\.)|\bdns\s+resol\w+\s+(?:inside|in|within)",
    ),
    _c(
        "vpce_policy",
        r"\b(?:vpc\s+)?endpoint\s+polic(?:y|ies)\b|\bvpce\s+polic(?:y|ies)\b",
        r"describe-vpc-endpoints[^.\n]{0,80}PolicyDocument|\bendpoint(?:'s)?\s+PolicyDocument\b|PolicyDocument[^.\n]{0,60}\bexecute-api\b",
    ),
    _c(
        "execute_api_url_works",
        r"\b(?:api\s*gateway|aws|execute-api|original|default|generated|invoke|lambda)\s+(?:url|endpoint|link|address)\b[^.\n]{0,40}\b(?:works?|worked|is\s+fine|ok|okay|200|success\w*)\b",
        r"\b(?:was\s+)?(?:working|worked|works)\s+(?:fine\s+)?before\s+(?:adding|without|we\s+added|i\s+added)\s+(?:the\s+|a\s+)?(?:custom\s+)?domain\b",
        r"\b(?:fine|works?|worked|ok|okay|200|succeeds?)\b[^.\n]{0,40}\bexecute-api\s+(?:url|endpoint|hostname|domain|address)\b",
        r"\bexecute-api\s+(?:url|endpoint|hostname)\b[^.\n]{0,40}\b(?:works?|worked|fine|ok|okay|200|succeeds?)\b",
        r"\b(?:the\s+)?(?:aws[- ]generated|generated|default|invoke|raw|original)\s+(?:api\s+)?url\s+(?:still\s+)?(?:works?|is\s+fine|returns\s+200)\b",
        r"\b(?:directly|direct\s+calls?)\b[^.\n]{0,30}\b(?:works?|worked|fine|ok)\b",
    ),
    _c(
        "on_prem",
        r"\bon[- ]prem(?:ise|ises)?\b|\bdirect\s+connect\b|\bdata\s*cent(?:er|re)\b|\bsite-to-site\b|\bcorporate\s+network\b|\btransit\s+gateway\b",
    ),
    _c("apigw_api_id_header", r"x-apigw-api-id"),
    _c(
        "cross_account",
        r"\btheir\s+own\s+(?:role|account|aws\s+account)\b|\b(?:partner|customer|vendor)\s+(?:assumes|uses|signs\s+with)\b",
        r"\b(?:cross|different|another|other|second|separate|partner|consumer)[- ]accounts?\b",
        r"\baccount\s+[ab]\b|\bfrom\s+(?:another|a\s+different|a\s+separate)\s+(?:aws\s+)?account\b",
        r"\bin\s+(?:another|a\s+different)\s+account\b",
        r"\bin\s+(?:their|another\s+team's|the\s+other\s+team's|a\s+partner's|the\s+partner's|a\s+separate|the\s+platform\s+team's)\s+(?:own\s+)?(?:aws\s+)?account\b",
        r"\b(?:two|2|multiple|several)\s+(?:different\s+)?(?:aws\s+)?accounts\b",
        r"\b(?:owned\s+by|belongs\s+to|lives\s+in|hosted\s+in|deployed\s+in)\s+(?:the\s+|another\s+|a\s+different\s+|their\s+)?[\w-]+\s+account\b",
        r"\bfrom\s+(?:our|the|a|their)\s+[\w-]+\s+account\b.{0,160}\b(?:to|in|owned\s+by|of)\s+(?:the|their|another|a)\s+[\w-]+\s+account\b",
    ),
    # ---------------------------------------------------------------- IAM and signing
    _c(
        "iam_auth",
        r"\b(?:with|using|uses)\s+iam\b|\biam\s+(?:signing|signature|credentials)\b",
        r"\biam[- ](?:protected|secured|only)\b|\bprotected\s+(?:by|with)\s+iam\b|\bsimulate-principal-policy\b|\bimplicitDeny\b",
        r"\baws_iam\b|\biam\s+auth(?:ori[sz]ation|entication|ori[sz]er)?\b|\biam[- ]authori[sz]ed\b|\bauthori[sz]ation(?:\s+type)?\W{0,4}(?:is\s+|set\s+to\s+)?iam\b",
        r"\bsig\s*v4\b|\bsignature\s+version\s+4\b|aws4-hmac-sha256|\bawscurl\b|\baws4\b|\bsigned\s+requests?\b|\bsign(?:ing|s|ed)?\s+(?:the\s+|my\s+|our\s+)?requests?\b|aws-sigv4|\bSigV4Auth\b|\baws-requests-auth\b",
    ),
    _c(
        "unsigned",
        r"\b(?:fetch\(\)|axios|requests\.get|plain\s+http)\s+directly\b|\b(?:not|without)\s+(?:going\s+)?(?:via|through|using)\s+(?:amplify|the\s+sdk|api\.get|awscurl|a\s+signer|sigv4)",
        r"\bunsigned\b|\bnot\s+signed\b|\bwithout\s+(?:sign(?:ing|ature)|sigv4|credentials)\b|\bno\s+signature\b|\bforgot\s+to\s+sign\b|\bplain\s+(?:curl|fetch|axios|http)\b|\bnot\s+signing\b|\bdon't\s+sign\b",
        negatable=False,
    ),
    _c(
        "scp_boundary",
        r"\bscps?\b|\bservice\s+control\s+polic|\bpermissions?\s+boundar|\borgani[sz]ations?\s+polic",
    ),
    _c(
        "iam_policy_talk",
        r"\brole\s+(?:only\s+)?has\s+(?:only\s+)?[\w:-]+|\binstance\s+profile\b|\btask\s+role\b|\bexecution\s+role\b|\b(?:no|without)\s+(?:an?\s+)?iam\s+polic",
        r"\biam\s+(?:policy|policies|role|roles|user|permissions?)\b|\b(?:add|attach|grant)(?:ed)?\s+(?:the\s+)?execute-api:invoke\b|\brole\s+(?:doesn't|does\s+not|lacks|has\s+no)\b|\bexecution\s+role\b",
    ),
    _c(
        "credentials_issue",
        r"\bsession\s+token\b|\bsecurity\s+token\b|x-amz-security-token|\btemporary\s+credentials\b|\bsts\s+credentials\b|\bassume[- ]?role\b|\baccess\s+key\b|\bsecret\s+(?:access\s+)?key\b|\brotated\s+(?:the\s+)?(?:keys?|credentials)\b|\bASIA[A-Z0-9]{4,}|\bAKIA[A-Z0-9]{4,}|\bcredentials?\s+(?:expired|rotated|wrong|invalid)|\bsso\s+(?:session|login)\b|\bcognito\s+identity\s+pool\b",
    ),
    _c(
        "clock_skew",
        r"\bclocks?\b[^.\n]{0,30}\b(?:wrong|off|behind|ahead|incorrect|out\s+of\s+sync|not\s+synced|drifted)\b|\bwrong\s+(?:year|month|day)\b",
        r"\bclock\s*(?:skew|drift|is\s+wrong|is\s+off|out\s+of\s+sync)|\btime\s+(?:skew|drift|sync)\b|\bntp\b|\b(?:device|system|server|container|phone)\s+(?:time|clock)\b|\bwrong\s+(?:time|date)\b|\btimezone\b|\btime\s+zone\b|\bafter\s+(?:the\s+)?(?:device|laptop|machine|phone)\s+(?:sleeps?|slept|wakes?|woke)",
    ),
    _c(
        "replayed_signature",
        r"\b(?:queue[sd]?|retr(?:y|ies)|replay(?:ed)?|cached|stored|reused?)\b.{0,40}\bsigned\b|\bsigned\b.{0,40}\b(?:later|queued|retried|replayed|reused)\b",
    ),
    _c(
        "signing_details",
        r"\bcanonical\s+(?:string|request)\b|\bstring[- ]to[- ]sign\b|\burl[- ]?encod|\bdouble[- ]encod|%2F|%252F|\bspecial\s+characters?\b|\bquery\s+(?:string\s+)?(?:order|parameters?\s+order)\b|\bsigned\s*headers\b|\bsigning\s+(?:service|region|name)\b|'apigateway'\s+instead|\bwrong\s+(?:service|region)\s+(?:name\s+)?(?:in|for)\s+(?:the\s+)?sign",
    ),
    # ---------------------------------------------------------------- tokens, HTTP API, WebSocket
    _c(
        "jwt_or_cognito",
        r"\bjwt\b|\bbearer\b|\bjson\s+web\s+token\b|\bcognito\b|\buser\s+pool\b|\bauth0\b|\bokta\b|\bkeycloak\b|\bazure\s+ad\b|\bentra\b|\boidc\b|\boauth2?\b",
    ),
    _c("scopes", r"\bscopes?\b|\bscp\s+claim\b|authorizationScopes|\boauth\s+scopes?\b"),
    _c("id_token", r"\bid[_ ]?token\b|token_use\W{0,4}id\b"),
    _c(
        "http_api",
        r"\bhttp\s+api\b|\bhttpapi\b|\bapi\s+gateway\s+v2\b|\bapigatewayv2\b|\bapigw\s*v2\b|\bpayload\s+format\s+(?:version\s+)?2\.0\b|AWS::ApiGatewayV2::Api|aws_apigatewayv2|\bhttpApi\b",
    ),
    _c(
        "rest_api",
        r"\brest\s+api\b|\brestapi\b|\bapi\s+gateway\s+v1\b|AWS::ApiGateway::RestApi|aws_api_gateway_rest_api|\bLambdaRestApi\b",
    ),
    _c(
        "lambda_authorizer",
        r"\b(?:lambda|custom|token|request)\s+authori[sz]ers?\b|\bauthori[sz]er\s+(?:lambda|function)\b|\bauthori[sz]er\b",
    ),
    _c(
        "cognito_authorizer",
        r"\bcognito\s+(?:user\s+pool\s+)?authori[sz]er\b|COGNITO_USER_POOLS|\buser\s+pool\s+authori[sz]er\b",
    ),
    _c("simple_response", r"\bisAuthorized\b|\bsimple\s+responses?\b|enableSimpleResponses"),
    _c(
        "websocket",
        r"\bweb\s*sockets?\b|\bwss://|\$connect\b|\bwscat\b|\bsocket\.io\b|\bws\s+api\b",
    ),
    _c(
        "ws_connections",
        r"@connections|\bpostToConnection\b|\bpost_to_connection\b|\bapigatewaymanagementapi\b|\bmanagement\s+api\b|ApiGatewayManagementApi|\bsend(?:ing)?\s+(?:a\s+)?messages?\s+(?:back\s+)?to\s+(?:the\s+|connected\s+)?(?:clients?|connections?)",
    ),
    _c(
        "manage_connections",
        r"\b(?:lacks?|lacking|missing|without|no|needs?|need\s+to\s+add|add(?:ed|ing)?)\s+(?:the\s+)?(?:execute-api:)?ManageConnections\b",
        r"ManageConnections\s+(?:permission\s+)?(?:is\s+)?(?:missing|not\s+granted|denied)",
        negatable=False,
    ),
    _c(
        "has_manage_connections",
        r"\b(?:has|have|granted|allows?|allowing|with)\s+(?:the\s+)?(?:permission\s+)?execute-api:ManageConnections\b",
        negatable=False,
    ),
    # ---------------------------------------------------------------- routing
    _c(
        "wrong_path",
        r"\btypo\b|\bwrong\s+(?:path|url|endpoint|resource|method|verb|http\s+method)\b|\bmisspel\w*|\btrailing\s+slash\b|\bcase[- ]sensitiv\w*|\broot\s+(?:path|resource|url)\b|\{proxy\+\}|\bproxy\+|\bgreedy\s+path\b",
        r"\b(?:path|route|resource|endpoint|method|url)\s+(?:doesn't|does\s+not|didn't|did\s+not)\s+exist\b|\bnot\s+(?:defined|mapped)\b|\b(?:does\s+not|doesn't|did\s+not|didn't)\s+define\b",
        r"\b(?:get|post|put|delete|patch)\s+instead\s+of\s+(?:a\s+)?(?:get|post|put|delete|patch)\b|\bonly\s+(?:a\s+)?(?:get|post|put|delete|any)\s+(?:method\s+)?(?:is\s+)?defined\b",
        r"\bshould\s+(?:be|return)\s+(?:a\s+)?404\b|\binstead\s+of\s+(?:a\s+)?404\b|\bexpected\s+(?:a\s+)?404\b",
    ),
    _c(
        "stage_missing",
        r"\bstage\s+(?:has\s+no|without\s+a|with\s+no)\s+deployment\b|\bstage\s+(?:is|was|has\s+not\s+been|hasn't\s+been)\s+(?:not\s+)?(?:yet\s+)?deployed\b|\bstage\s+(?:doesn't|does\s+not)\s+exist\s+yet\b",
        r"\b(?:deleted|removed|renamed|recreated|re-created|dropped)\s+(?:the\s+|our\s+)?[\"'“]?[\w-]+[\"'”]?\s+stage\b|\bstage\s+(?:was|got|has\s+been)\s+(?:deleted|removed|renamed)\b",
        r"\b(?:without|missing|forgot|forgetting|omit(?:ted|ting)?|left\s+out|leaving\s+out|no)\s+(?:the\s+)?stage(?:\s+name)?\b",
        r"\b(?:missing|without|dropp\w*|omit\w*|left\s+out|lack\w*)\b[^.\n]{0,30}\b(?:part|segment|prefix)\s+(?:right\s+|just\s+)?after\s+the\s+(?:host(?:name)?|domain)\b",
        r"\bstage\s+(?:name\s+)?(?:is\s+)?(?:missing|wrong|misspelled|mistyped|not\s+in\s+the\s+url)\b|\bwrong\s+stage\b",
        r"\bstage\s+(?:doesn't|does\s+not|didn't)\s+exist\b|\b(?:deleted|renamed)\s+(?:the\s+)?stage\b|\bnon-?existent\s+stage\b",
        r"\b(?:Prod|prod)\s+(?:vs\.?|versus|instead\s+of)\s+(?:prod|Prod|PROD)\b",
        r"\b(?:only|our)\s+stage\s+is\b|\bstage\s+(?:is\s+)?(?:called|named)\b|\b(?:deployed|created|named)\s+(?:the\s+|a\s+|our\s+)?stage\s+(?:as|called|named)\b|\bstage\s+names?\s+(?:are|is)\s+case",
    ),
    _c(
        "custom_domain",
        r"\b(?:was|is|got|been)\s+mapped\s+to\b|\bmapped\s+to\s+(?:the\s+)?(?:old|new|wrong|another|other|previous)\b|\b(?:through|via)\s+(?:the|our)\s+(?:custom\s+)?domain\b",
        r"\bcustom\s+domains?\b|\bdomain\s+name\b|\bbase[- ]?path\b|\bapi\s+mappings?\b|\bpath\s+mappings?\b|\bown\s+domain\b|\bvanity\s+domain\b|\bcustomdomain\b",
    ),
    _c(
        "mapping_wrong_target",
        r"\b(?:mapping|mapped|points?|pointing|pointed)\s+(?:[\w-]+\s+){0,2}to\s+(?:the\s+|an?\s+)?(?:previous|old|wrong|other|another|outdated|stale)\s+(?:stage|api|deployment)\b",
    ),
    _c(
        "mtls",
        r"\bmtls\b|\bmutual[- ]tls\b|\bclient\s+cert(?:ificate)?s?\b|\btrust\s*store\b|\bx\.?509\b|\bca\s+bundle\b|\bself[- ]signed\b|\bcertificate\s+chain\b|\bintermediate\s+(?:ca|cert)",
    ),
    _c(
        "api_key",
        r"\bapi[- _]?keys?\b|\bx-api-key\b|\bapikey\b|\busage\s+plans?\b|\busageplan\b|apiKeyRequired|\bprivate:\s*true\b",
        r"\b(?:rotat(?:e|ed|ing)|regenerat\w+|revok\w+)\s+(?:their\s+|the\s+|our\s+|its\s+|his\s+|her\s+)?(?:api\s+)?keys?\b",
    ),
    _c(
        "usage_plan",
        r"\busage\s*plans?\b|\bapiStages\b|\bapi_stages\b|\bcreate-usage-plan-key\b",
    ),
    _c(
        "key_looks_valid",
        r"\b(?:using|providing|sending|passing|including|send|provide|pass|include)\s+(?:the\s+|my\s+|an?\s+|our\s+|a\s+valid\s+)?(?:api[- _]?key|x-api-key)(?:\s+header)?\b(?!\s+as\b)",
        r"\b(?:api\s+)?key\s+(?:is\s+|looks\s+|seems\s+)?(?:correct|valid|right|fine|the\s+same|enabled)\b|\b(?:same|correct|valid|right)\s+(?:api\s+)?key\b(?!=)|\bdouble[- ]checked\s+(?:the\s+)?(?:api\s+)?key\b|\bcopied\s+the\s+key\b",
    ),
    _c(
        "key_missing",
        r"\bAuthorization:\s*(?:ApiKey|Api-Key|Key|X-Api-Key)\b|\bas\s+[\"']?Authorization:\s*\w+",
        r"\b(?:api[- _]?key)\s+(?:as|in\s+the)\s+(?:an?\s+)?(?:authentication|authorization|auth|bearer|query|basic)\b",
        r"\bkey\b.{0,60}\b(?:never|not)\s+(?:been\s+)?(?:enabled|activated|associated)\b",
        r"\b(?:without|missing|forgot|forgetting|no)\s+(?:the\s+|an\s+)?(?:api\s+)?key\b|\b(?:api\s+)?key\s+(?:is\s+|was\s+)?(?:missing|disabled|wrong|invalid|not\s+sent|deleted)\b|\b(?:query\s+string|query\s+param(?:eter)?|body|authorization\s+header)\s+instead\s+of\s+(?:the\s+)?(?:x-api-key\s+)?header\b|\bdisabled\s+(?:the\s+)?(?:api\s+)?key\b|\bkey\s+(?:in|as)\s+(?:a\s+)?query\b",
    ),
    _c(
        "new_stage",
        r"\bnew\s+stage\b|\b(?:renamed|recreated|re-created|added\s+a)\s+(?:the\s+)?stage\b|\bstage\s+(?:was\s+)?(?:re-?)?created\b|\b(?:second|another|staging|dev)\s+stage\b",
    ),
    # ---------------------------------------------------------------- edge
    _c(
        "waf",
        r"\bwaf\b|\bweb\s*acl\b|\bfirewall\b|\bmanaged\s+rules?\b|\bcore\s+rule\s*set\b|SizeRestrictions|\bsql\s*injection\b|\bsqli\b|\bxss\b|\brate[- ]based\b|\bgeo[- ]?block|AWSManagedRules|\bcommon\s*rule\s*set\b",
    ),
    _c(
        "waf_clear",
        r"\b(?:waf|web\s*acl)\b[^.\n]{0,50}\b(?:zero|no|0)\s+(?:blocks?|blocked\s+requests?|matches)\b|\bno\s+waf\b|\bwaf\s+(?:is\s+)?not\s+(?:attached|enabled|the\s+(?:issue|problem|cause))\b",
        negatable=False,
    ),
    _c(
        "payload_specific",
        r"\b(?:non-trivial|larger|longer|bigger|real|full|complete)\s+(?:[\w-]+\s+)?(?:files?|payloads?|documents?|requests?|bodies|body|inputs?|uploads?|models?)\b",
        r"\b(?:small|tiny|trivial|toy|short|minimal)\s+(?:[\w-]+\s+)?(?:files?|payloads?|documents?|requests?|ones?|bodies|body|inputs?|examples?)\b.{0,40}\b(?:work|works|worked|fine|ok|succeed\w*)\b",
        r"\b(?:large|big|bigger|larger|huge|long)\s+(?:json\s+)?(?:bod(?:y|ies)|payloads?|requests?|files?|uploads?|posts?)\b",
        r"\b(?:over|above|more\s+than|bigger\s+than|larger\s+than|>)\s*\d+\s*kb\b|\b8\s*kb\b",
        r"\b(?:certain|some|specific|particular)\s+(?:payloads?|inputs?|characters|content|bodies|strings|values|fields)\b",
        r"\bonly\s+(?:some|certain|specific)\s+(?:requests|payloads|bodies|posts)\b",
        r"\bcontains?\s+(?:sql|script|<script|select|union|html)\b|\bwhen\s+the\s+body\s+(?:contains|has|includes)\b",
    ),
    _c(
        "cloudfront",
        r"\bcloudfront\b|\bcdn\b|\bx-cache\b|\bedge[- ]optimi[sz]ed\b|\bdistribution\b",
    ),
    # An S3 bucket serves the content (through CloudFront, a website endpoint or a hosting
    # service): a static site, the bucket's policy or origin access, a single-page app's routes.
    _c(
        "s3_origin",
        r"\bbucket\s+polic(?:y|ies)\b|\borigin\s+access\s+(?:identity|identities|control)\b|\bOA[IC]\b",
        r"\bs3\s+(?:bucket\s+)?origin\b|\b(?:s3\s+)?website\s+(?:bucket|endpoint|hosting)\b|\bstatic\s+(?:web)?site\b|\bsite\s+bucket\b|\berror\s+document\b",
        r"\b(?:bucket|s3)\b[^.\n]{0,40}\bcloudfront\b|\bcloudfront\b[^.\n]{0,40}\b(?:bucket|s3)\b",
        r"\b(?:react|vue|angular)[- ]?router\b|\bsingle[- ]page\s+app|\bspa\s+rout",
    ),
    _c(
        "host_header",
        r"\bpass(?:es|ing|ed)?\s+(?:the\s+)?(?:original\s+|client'?s?\s+|viewer\s+|incoming\s+)?host\b|passHostHeader|preserve_host|ProxyPreserveHost|\boriginal\s+host\b|\bhost\s+(?:header\s+)?(?:is\s+)?(?:passed|forwarded|preserved)\b",
        r"\b(?:traefik|haproxy|envoy|kong|caddy|ingress(?:-nginx)?|istio|apigee|akamai|fastly)\b.{0,80}\b(?:in\s+front|before|proxy|forward|route|passes)",
        r"\bhost\s+header\b|\bforward(?:s|ing|ed)?\s+(?:all\s+|the\s+)?(?:viewer\s+)?(?:headers|host)\b|\bAllViewer\b|\borigin\s+request\s+polic|\breverse\s+proxy\b|\bproxy_pass\b|\bx-forwarded-host\b|\bproxy\s+in\s+front\b",
    ),
    _c(
        "get_with_body",
        r"\bbody\b[^.\n]{0,30}\bon\s+GET\b|\bGET\s+requests?\b[^.\n]{0,40}\b(?:with|carry|carries|has|have)\b[^.\n]{0,15}\b(?:body|content-length)\b|Content-Length[^.\n]{0,40}\bGET\b",
        r"\bget\s+(?:request\s+)?with\s+(?:a\s+|json\s+)?(?:body|payload)\b|\bbody\s+(?:in|on|with)\s+(?:a|the|my)\s+get\b|\bget\s+requests?\s+(?:that\s+)?(?:has|have|had|includes?|sends?|carr(?:y|ies))\s+(?:a\s+)?(?:json\s+)?body\b|\bcontent-length\s+on\s+(?:a\s+)?get\b",
    ),
    _c(
        "disabled_endpoint",
        r"disableExecuteApiEndpoint|\bdisable[- ]execute[- ]api[- ]endpoint\b|\bdefault\s+(?:execute-api\s+)?endpoint\s+(?:is\s+|was\s+)?(?:disabled|turned\s+off|off)\b|\bdisabled\s+the\s+default\s+(?:execute-api\s+)?endpoint\b",
    ),
    # ---------------------------------------------------------------- origin and look-alikes
    _c(
        "lambda_returns_403",
        r"\babort\(\s*403\s*\)|\bres\.status\(\s*403\s*\)|\bstatus(?:_code|Code)?\s*=\s*403\b|HttpResponseForbidden|\braise\s+PermissionDenied|\bmy\s+own\s+(?:code|app|backend|service)\b",
        rf"\b(?:my\s+|our\s+|the\s+)?(?:lambda|backend|handler|function|service|app|application|flask|express|django|fastapi|spring|integration|upstream)(?:\s+function|\s+code)?{_W}{{0,3}}\s+(?:itself\s+)?(?:returns?|returned|returning|throws?|responds?\s+with|sends?|raises?)\s+(?:a\s+|an\s+|its\s+own\s+)?(?:statusCode\W{{0,4}})?403\b",
        r"statusCode\W{0,4}403",
        r"\b(?:backend|upstream|integration|origin\s+server)\s+(?:returns?|responds?|rejects?)\b",
        r"\bendpoint\s+response\s+body\b",
        r"\b(?:body|response|error)\s+is\s+(?:our|the\s+backend's|from\s+our|the\s+app's)\b",
        r"\bspring\s+(?:boot|security)\b|\bcsrf\b",
    ),
    _c(
        "emulator",
        r"\bserverless[- ]offline\b|\blocalstack\b|\bsam\s+local\b|\bsam-local\b|\bemulator\b|\bmoto\s+server\b|\boffline\s+mode\b|\bsls\s+offline\b",
    ),
    _c(
        "gateway_responses",
        r"\bgateway\s+responses?\b|DEFAULT_4XX|\bdefault\s*4xx\b|\bresponseTemplates\b|\bcustom(?:i[sz]ed)?\s+(?:error\s+)?(?:responses?|messages?|bod(?:y|ies))\b",
    ),
    _c(
        "cors",
        r"\bcors\b|\bpre-?flight\b|\boptions\s+(?:request|method|call)\b|access-control-allow|\bcross[- ]origin\b",
    ),
    _c(
        "browser_only",
        r"\b(?:works?|worked)\s+(?:fine\s+)?(?:in|from|with|using)\s+(?:postman|curl|insomnia|httpie|the\s+cli)\b.{0,80}\b(?:browser|front-?end|react|angular|vue|web\s*app|fetch|axios|chrome|firefox|spa)\b",
        r"\b(?:browser|front-?end|react|angular|vue|web\s*app|axios|fetch\(\))\b.{0,40}\b(?:fails?|403|doesn't\s+work|does\s+not\s+work|blocked)\b",
        r"\bpostman\b.{0,60}\b(?:but|not)\b.{0,40}\b(?:browser|app|front-?end)\b",
    ),
    _c(
        "cache_control",
        r"cache-control|max-age=0|\bno-cache\b|\bInvalidateCache\b|\binvalidat(?:e|ing)\s+(?:the\s+)?cache\b|FAIL_WITH_403|\bapi\s+caching\b|\bstage\s+cach(?:e|ing)\b|\bcache\s+cluster\b|\bhard\s+refresh\b|\bshift\+reload\b",
    ),
    _c("throttled", r"\b429\b|\btoo\s+many\s+requests\b|\bthrottl\w+"),
    _c(
        "intermittent",
        r"\bintermittent(?:ly)?\b|\bsporadic(?:ally)?\b|\brandom(?:ly)?\b|\bat\s+random\b|\bsometimes\b|\bsome\s+of\s+the\s+time\b|\bflak(?:y|ey)\b|\bnot\s+always\b|\bevery\s+other\b|\bnow\s+and\s+then\b|\boccasional(?:ly)?\b|\bhit\s+or\s+miss\b|\binconsistent(?:ly)?\b|\bon\s+and\s+off\b",
    ),
)

_NEGATION = re.compile(
    r"\b(?:not|no|never|don't|doesn't|didn't|isn't|aren't|wasn't|weren't|haven't|hasn't|without|nor|neither|none|dont|doesnt|didnt|isnt|arent|cannot|can't|nothing)\b",
    re.IGNORECASE,
)
_CLAUSE_BREAK = re.compile(
    r"[.!?;\n]|\bbut\b|\bhowever\b|\bthough\b|\balthough\b|\band\b|,", re.IGNORECASE
)


_MAX_PROSE = 16_000


@dataclass
class SymptomHit:
    name: str
    snippet: str
    position: int = 0


@dataclass
class Symptoms:
    hits: dict[str, SymptomHit] = field(default_factory=dict)
    denied: set[str] = field(default_factory=set)
    doubted: set[str] = field(default_factory=set)
    length: int = 0

    def __contains__(self, name: object) -> bool:
        return name in self.hits

    def names(self) -> set[str]:
        return set(self.hits)

    def snippet(self, name: str) -> str:
        hit = self.hits.get(name)
        return hit.snippet if hit else ""

    def weight(self, name: str) -> float:
        """How much a concept counts: a hypothesis the reporter ruled out ("we suspected the WAF,
        but...") counts little; in a long thread, the opening describes the incident and late
        mentions are often other people's guesses."""
        hit = self.hits.get(name)
        if hit is None:
            return 1.0
        if name in self.doubted:
            return 0.3
        if self.length < 1500:
            return 1.0
        if hit.position < max(600, self.length // 5):
            return 1.2
        if hit.position > max(2000, self.length // 2):
            return 0.7
        return 1.0


_WORKED_WITHOUT = re.compile(
    r"\b(?:works?|worked|working|fine|ok|okay|200)\b[^.!?\n]{0,40}\bwithout\s+(?:the\s+|a\s+|an\s+|our\s+|my\s+)?$",
    re.IGNORECASE,
)


def _negated(text: str, start: int) -> bool:
    """Is the match at `start` inside a negated clause ("we do not use a custom domain")?

    "It worked without the custom domain" is not a denial: it points AT the custom domain.
    """
    window = text[max(0, start - 60) : start]
    if _WORKED_WITHOUT.search(window):
        return False
    breaks = list(_CLAUSE_BREAK.finditer(window))
    clause = window[breaks[-1].end() :] if breaks else window
    words = clause.split()[-5:]
    return bool(_NEGATION.search(" ".join(words)))


_DOUBT = re.compile(
    r"\b(?:suspected|thought|assumed|blamed|guessed|believed|wondered\s+if|expected\s+it\s+to\s+be|first\s+(?:suspected|thought|blamed))\b",
    re.IGNORECASE,
)
_DOUBT_RESOLVED = re.compile(
    r"\b(?:but|however|turn(?:s|ed)\s+out|actually|in\s+fact|no\s+change|not\s+the\s+(?:issue|problem|cause)|zero|nothing)\b",
    re.IGNORECASE,
)


def _doubted(text: str, start: int) -> bool:
    """A mention inside a hypothesis the reporter then rejects: "we suspected the WAF, but ..." ."""
    before = text[max(0, start - 50) : start]
    cue = _DOUBT.search(before)
    if cue is None or re.search(r"[.!?\n]", before[cue.end() :]):
        return False
    return bool(_DOUBT_RESOLVED.search(text[start : start + 140]))


def _snippet(text: str, start: int, end: int) -> str:
    s = " ".join(text[start:end].split())
    return s if len(s) <= 90 else s[:87] + "..."


def detect_symptoms(text: str) -> Symptoms:
    """Find the symptom concepts in free text. Never raises."""
    out = Symptoms()
    if not isinstance(text, str) or not text:
        return out
    # People describe the incident in the first lines (and sometimes sum up at the end); a huge
    # paste is log lines, which paste_fields.py reads. Bounding the sample keeps explain interactive.
    sample = (
        text
        if len(text) <= _MAX_PROSE
        else text[: _MAX_PROSE * 3 // 4] + "\n" + text[-_MAX_PROSE // 4 :]
    )
    out.length = len(sample)
    for concept in CONCEPTS:
        best: SymptomHit | None = None
        for pat in concept.patterns:
            try:
                matches = list(pat.finditer(sample))
            except Exception:
                continue
            for m in matches:
                if best is not None and m.start() >= best.position:
                    break
                if concept.negatable and _negated(sample, m.start()):
                    out.denied.add(concept.name)
                    continue
                best = SymptomHit(concept.name, _snippet(sample, m.start(), m.end()), m.start())
                break
        if best is not None:
            # The earliest mention describes the incident; a later negation does not undo it.
            out.hits[concept.name] = best
            out.denied.discard(concept.name)
            if concept.negatable and _doubted(sample, best.position):
                out.doubted.add(concept.name)
    return out
