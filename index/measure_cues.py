"""Cue words of the reply genre: who acts, which verbs are actions, what marks the stage.

Plain word lists, kept apart from the code that uses them (features, stage, actor, title).
They were written from the genre (留言板 and 提案/建议 replies) and checked on the dev split
of the labelled sample; the learned weights decide how much each cue counts.
"""

from __future__ import annotations

import re

# Verbs of government action. A clause whose main verb is one of these usually states
# a measure; the list is long because replies name the act itself (清运, 铺油, 施划…).
ACTION_VERBS = (
    "责令 整改 查处 立案 处罚 罚款 拆除 取缔 清理 清运 清除 修复 维修 更换 安装 设置 增设 开展 "
    "组织 召开 成立 出台 印发 制定 制订 下发 建成 完成 投入 安排 落实 协调 联系 调查 核查 核实 "
    "检查 巡查 整治 处理 恢复 实施 推进 推动 建设 新建 改造 设立 组建 培育 建立 纳入 列入 发放 "
    "救助 补助 投资 指导 宣传 教育 劝导 告知 通报 督查 督促 解决 启动 申报 争取 派出 派驻 赶赴 "
    "走访 约谈 约见 下达 送达 审核 审批 受理 办理 办结 拨付 支付 追补 退还 清退 劝离 劝阻 制止 "
    "查封 扣押 没收 移送 上报 报请 呈报 编制 规划 设计 招标 开工 竣工 验收 铺设 硬化 铺油 填平 "
    "填补 修缮 施划 疏通 清淤 加固 沟通 对接 研究 会商 论证 部署 督办 加强 加大 完善 优化 提升 "
    "规范 打击 查验 监测 检测 抽查 复查 测量 踏勘 勘察 查勘 摸底 排查 登记 公示 公布 发布 上线 "
    "开通 接入 覆盖 签订 配备 购买 投保 代缴 承担 减免 增加 新增 扩大 降低 提高 采取 召集 调解 "
    "协商 答复 解释 查看 回访 跟踪 监督 督导 管控 严管 整顿 封堵 关闭 关停 停业 暂停 收回 执法 "
    "巡逻 值守 挂牌 张贴 发出 印制 培训 摸排 补发 补贴 奖励 慰问 帮扶 资助 救治 安置 征收 拆迁 "
    "补偿 结算 审计 评估 鉴定 批复 批准 采纳 研判 组建 配合 会同 联合 牵头 撮合 归集 筛选 推广 "
    "引导 鼓励 支持 保障 开放 接管 移交 收集 整理 保存 提供 分配 划拨 设立 增补 拓宽 扩建 "
    "绿化 亮化 美化 打通 贯通 改建 重建 搬迁 迁移 购置 配置 添置 申请 报批 备案 审查 判定 要求 "
    "敦促 报告 请示 批示 明确 决定 同意 通知 发函 函告 致函 询问 了解 查阅 核对 抢修 修建 修通 "
    "约请 走访 回复 反馈 告诫 警告 教育 收缴 暂扣 吊销 注销 整合 统筹 督促 指派 派员 测评 通报 "
    "协助 帮助 举办 举行 推介 动员 组织 搭建 打造 建成 建好 修好 铺好 装好 办好 做好 抓好 落细"
).split()
ACTION_VERB_RE = re.compile("|".join(sorted(set(ACTION_VERBS), key=len, reverse=True)))

# Government units and pronouns that open a clause as its subject (the 责任单位).
_UNIT_END = (
    "局|委(?!员)|办(?![理法公事结])|院|中心(?!城)|街道|街道办|办事处|社区|居委会|村委会|大队|中队|支队"
    "|分局|所(?![有在属以需致述谓])|站|公司|政府|镇(?!区)|乡(?!村)|村(?![民庄道])|部门|单位|人员|小组"
    "|工作组|调查组|督查组|专班|队|厅|管理处|集团|医院|学校|管委会|指挥部|党委|纪委|法院|检察院|交警"
    "|民警|城管|专家组|联席会议|厂|幼儿园|景区|医生|保安|财政|乡镇"
)
_NAME_CHAR = (
    r"(?!联合|会同|配合|组织|安排|要求|督促|协调|召开|通过|按照|根据|针对|结合|其中|累计|收集)"
    r"(?![将已对在于的了是把被从向按据由正均都也还并过家个项共年月日])"
    r"(?:[\u4e00-\u9fff、和及与（）()]|[A-Z]\d{0,2})"
)
# Units named by their kind alone ("街道将…", "景区安排专人…", "局务会研究决定").
_BARE_UNIT = (
    r"街道|社区|景区|民警|交警|城管|大队|中队|支队|专家组|局务会|执法人员|工作人员|调查组|督查组"
    r"|工作组|镇政府|乡政府|区政府|县政府|市政府|镇里|村里|县里|市里|各级"
)
# A verb that takes a unit as its object ("责令施工单位…") is not the start of a subject.
_NOT_ACTOR_START = (
    r"责令|要求|督促|敦促|安排|组织(?!部)|协调|联系|通知|约谈|告知|指导|帮助|推动|支持|鼓励|引导"
    r"|派|请|由|让|使|把|将|对|向|与|和|给|为|经(?!济|开)|会同|联合|配合|到|报|你|您|如|若|所|因|聚焦"
)
ACTOR_RE = re.compile(
    r"(?:我们|我局|我委|我办|我厅|我镇|我乡|我街道|我区|我县|我市|我队|我院|我司|我所|我单位"
    r"|我中心|我校|我处|我科|本局|本单位)"
    rf"|(?!{_NOT_ACTOR_START})(?:{_BARE_UNIT}|(?:{_NAME_CHAR}){{1,20}}?(?:{_UNIT_END}))"
    rf"(?:(?:{_NAME_CHAR}){{1,20}}?(?:{_UNIT_END})){{0,5}}(?:工作人员|执法人员|负责人)?"
    r"|[A-Z]\d{0,2}[省市县区]"
)
# Adverbs, time words and prepositions that may stand between a subject and its verb.
DATE_PATTERN = (
    r"(?:\d{4}年(?:\d{1,2}月(?:\d{1,2}日)?)?|\d{1,2}月\d{1,2}日|\d{1,2}月)"
    r"(?:上半年|下半年|份|底|初|末|上旬|中旬|下旬)?(?:上午|下午|晚上?|凌晨)?(?:\d{1,2}[时点](?:\d{1,2}分)?)?"
    r"(?:至\d{1,2}[月日](?:\d{1,2}日)?)?(?:前|以来|起|开始)?"
)
_LEAD_WORDS = (
    rf"{DATE_PATTERN}|于{DATE_PATTERN}|今年|去年|前期|近期|近日|日前|此前|随后|之后|当天|当日|上午|下午|晚上"
    r"|下一步|下步|今后|接下来|据查|经查实?|经核实|经调查|经了解|经(?!济)|目前|现在|现已|现|同时"
    r"|并且|并|另外|此外|还|也|又|都|均|已经|已|业已|将|正在|正|曾经|曾|及时|立即|迅速|积极|认真"
    r"|多次|先后|共|累计|专门|依法|严格|主动|逐步|尽快|加快|进一步|继续|全面|切实|大力|着力|重点"
    r"|第一时间|于[^，。]{0,12}?(?=[\u4e00-\u9fff]{2})|会(?!同|议|商|签)|要(?!求)|拟|计划"
)
_LEAD_OBJECT = r"|对[^，。]{0,25}?(?=进行|开展|予以|作出|给予|实施|下达|发出)|进行了?|予以|给予"
LEAD_RE = re.compile(rf"^(?:{_LEAD_WORDS}{_LEAD_OBJECT})+")
# The same without 对…进行: a title keeps the object ("对占道摊主宣传教育").
_LEAD_KEEP_OBJECT_RE = re.compile(rf"^(?:{_LEAD_WORDS})+")
# A clause opened by the citizen, a third party or an address to the reader.
CITIZEN_RE = re.compile(
    r"^(?:您|你|网友|业主|市民|家长|居民|群众|参保人|申请人|当事人|请|建议您|如您|若您)"
)
THIRD_PARTY_RE = re.compile(
    r"^(?:该公司|开发商|物业|施工单位|施工方|该校|该店|店主|业主|商户|对方|该(?!局|单位|部门)|其|他|她)"
)

# Stage cues. 将 marks the future only before a verb or adverb ("将继续", "将于"); before a
# noun it is the disposal marker of a finished act ("已将该处垃圾转运"), so 已将 is excluded.
FUTURE_RE = re.compile(
    r"下一步|下步|今后|接下来|以后|后续|拟|计划(?!生育)|预计|力争|争取|即将|准备|打算|待[^，。]{0,20}后"
    r"|(?<![已现并])将(?!其|该|此|这|原|所|上述|[\u4e00-\u9fff]{0,8}(?:列入|纳入|交由|转交))"
    r"|(?<![已])将(?=于|在|会|继续|进一步|加强|加大|加快|持续|积极|严格|及时|尽快|逐步|按|依法|对|与)"
    r"|会(?=在|及时|尽快|继续|进一步|加强|依法|按|督促|组织|安排|同步)|尽快|近期|年底前|年内|月底前"
    r"|(?<![需主重必只])要(?!求|点|是|素|害|的)"
)
ONGOING_RE = re.compile(
    r"正在|正(?=积极|加紧|抓紧|组织|着手|进行|对|与|在|按|有序)|目前正|现阶段|一直|持续|不断|每年|每月"
    r"|每天|每日|每周|定期|长期|常态|陆续|进行中|推进中|实施中|施工中|之中|均在|都在|始终"
)
DONE_RE = re.compile(r"已|了(?!解)|过(?!程|去|于)|完毕|到位|先后|累计|曾|以来|完成")

# Non-measure text: handling, explanation, conditions, background figures, purpose.
MODAL_RE = re.compile(r"可以|可(?!能|持续)|应当|应该|应|需要|需|须|必须|不得|禁止|允许")
POLICY_REF_RE = re.compile(r"根据|按照|依据|依照|规定|条例|办法|细则|政策|文件|标准")
COPULA_RE = re.compile(r"是|为|系|属于|属|即")
CAUSE_RE = re.compile(r"由于|因为|^因|所以|因此|但|虽然|然而|导致|造成|原因")
CONDITION_RE = re.compile(r"^(?:如果|如|若|凡|只要|一旦|对于符合|对符合)")
STATISTIC_RE = re.compile(
    r"\d+(?:\.\d+)?%|同比|增长|下降|占比|比例|率(?:为|达|达到)?\d|余额|较上年"
)
PURPOSE_RE = re.compile(
    r"^(?:以|为了?|实现|确保|保障|切实|有效|努力|提高|满足|缓解|营造|方便|减少|避免|促进|维护|做到"
    r"|力求|使|让|保证|全力)"
)
ACK_RE = re.compile(
    r"收悉|获悉|已收到|收到.{0,8}(?:留言|来信|信件|投诉|来帖|反映|函件)|已阅办|(?:高度|非常|十分|很|极为)重视"
    r"|(?:回复|答复|说明|函告|解答|回答|汇报|报告)(?:如下|于下)|如下(?:回复|答复)"
    r"|特此(?:回复|答复|函复|说明)|(?:将|会)(?:在第一时间|及时)(?:反馈|回复|答复|告知)"
)
# 请致电 / 请与我们联系 give contact details, not another unit: no referral.
_NOT_ELSEWHERE = r"(?!我们|我局|我办|我单位|我委|我司|本局|本单位)"
REFERRAL_RE = re.compile(
    r"(?:已|现|并|立即)?(?:转交|转至|转给|转办|转相关|转有关|转到|交办(?!函|后)|移交|转送|转由)"
    r"|已转(?!变|化|为|入|换|向|让|型|移)|反馈给|转告|转达|批转"
    r"|交由(?!我)[^，。]{1,30}(?:办理|处理|核处|调查|处置|核实|答复)"
    r"|反馈(?:至|到)(?!您|你)[^，。]{0,20}(?:局|委|办|队|所|政府|部门|中心)"
    r"|已交(?!纳|付|费|清|齐|回|还)[^，。]{1,30}(?:处理|办理|核处|调查|处置|核实|答复|回复)"
    rf"|(?:请|建议|欢迎)(?:您|你)?[^，。]{{0,6}}?(?:直接)?(?:向|到|去){_NOT_ELSEWHERE}[^，。]{{1,40}}"
    r"(?:反映|咨询|办理|申请|提交|了解|举报|投诉)"
    rf"|(?:请|建议)[^，。]{{0,8}}?与{_NOT_ELSEWHERE}[^，。]{{1,20}}(?:沟通|协商|协调)"
    rf"|(?:可|可以)[^，。]{{0,30}}?(?:向|到){_NOT_ELSEWHERE}[^，。]{{1,40}}(?:咨询|反映|申请|了解|办理)"
    rf"|(?:请|建议)(?:您|你)?(?:直接)?咨询{_NOT_ELSEWHERE}"
    # A supervising office passing the case on (市委督查室立即要求市环保局、青山桥镇进行了
    # 现场调查核实): the other body investigates, the reply reports its findings.
    r"|^[^，。]{0,12}?(?:立即|已)?要求[市区县省][^，。]{1,24}?(?:局|镇|部门|街道|政府)"
    r"[^，。]{0,3}进行了?(?:现场)?调查(?:处理|核实)"
)
THANKS_RE = re.compile(r"感谢|谢谢|欢迎|谅解|祝您|祝你|此致|敬礼|您好|你好|尊敬的")
NEGATION_RE = re.compile(r"不|未|没有|无法|暂")

# Header and tail lines of a formal reply: never measures (抄送：…督查室 is no 督查).
TAIL_LINE_RE = re.compile(
    r"^(?:抄\s*[送报]|联\s*系|附\s*件|主\s*题\s*词|签\s*发\s*人|办\s*理\s*结\s*果|类\s*别)"
    r"|^（?示例"
)

# Headings and lead-ins that put what follows in the future.
PLAN_HEADING_RE = re.compile(r"下一步|下步|今后|计划|打算|展望|思路|努力方向")
BACKGROUND_HEADING_RE = re.compile(
    r"基本情况|概况|背景|现状|存在的?问题|原因|情况说明|有关情况|问题分析|主要问题|诉求|调查情况"
)


def strip_lead(text: str, *, keep_object: bool = False) -> tuple[str, str | None]:
    """``text`` without its subject and the adverbs/time words before the verb; the subject.

    "市交通运输局已于10月10日开展整治" -> ("开展整治", "市交通运输局"). The subject is
    only taken when it opens the clause and something follows it. With ``keep_object``,
    a 对…进行 phrase stays (titles want the object).
    """
    lead_re = _LEAD_KEEP_OBJECT_RE if keep_object else LEAD_RE
    rest, actor = text, None
    lead = lead_re.match(rest)
    if lead:
        rest = rest[lead.end() :]
    m = ACTOR_RE.match(rest)
    if m and m.end() < len(rest) and _plausible_actor(m.group()):
        actor, rest = m.group(), rest[m.end() :]
        lead = lead_re.match(rest)
        if lead:
            rest = rest[lead.end() :]
    return rest, actor


def _plausible_actor(name: str) -> bool:
    # "成立督查组" or "建立100家大企业集团" is an action and its object, not a subject;
    # "执法人员" and "督查组" open with a verb yet name people.
    return not ACTION_VERB_RE.match(name) or bool(_NOUN_LIKE_VERB_RE.match(name))


# Verbs that also name a unit's line of work (执法大队, 督查组, 规划局).
_NOUN_LIKE_VERB_RE = re.compile(
    r"^(?:执法|督查|调查|巡查|稽查|监察|检察|审计|规划|建设|管理|服务|救助|征收|监督|检测|监测)"
)


def head_verb(text: str) -> str | None:
    """The action verb that opens ``text`` once subject and adverbs are stripped, if any."""
    rest, _ = strip_lead(text)
    m = ACTION_VERB_RE.search(rest[:6])
    return m.group() if m else None
