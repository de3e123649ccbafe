"""The national template's rows and columns (国办公开办函〔2021〕30号, and the 2019 format's 表二)."""

from __future__ import annotations

from service.tables.matching import RowSpec

T3_COLUMNS = ["自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", "总计"]

T3_ROWS: list[RowSpec] = [
    RowSpec("new_received", "一、本年新收政府信息公开申请数量", "本年新收政府信息公开申请数量", "一"),
    RowSpec("carried_over", "二、上年结转政府信息公开申请数量", "上年结转政府信息公开申请数量", "二"),
    RowSpec("granted", "三、(一)予以公开", "予以公开", "一"),
    RowSpec("partially_granted", "三、(二)部分公开(区分处理的,只计这一情形,不计其他情形)", "部分公开区分处理的只计这一情形", "二"),
    RowSpec("denied_state_secret", "(三)不予公开 1.属于国家秘密", "属于国家秘密", "1"),
    RowSpec("denied_law_prohibited", "(三)不予公开 2.其他法律行政法规禁止公开", "其他法律行政法规禁止公开", "2"),
    RowSpec("denied_three_safety_one_stability", "(三)不予公开 3.危及“三安全一稳定”", "危及三安全一稳定", "3"),
    RowSpec("denied_third_party_rights", "(三)不予公开 4.保护第三方合法权益", "保护第三方合法权益", "4"),
    RowSpec("denied_internal_affairs", "(三)不予公开 5.属于三类内部事务信息", "属于三类内部事务信息", "5"),
    RowSpec("denied_process_info", "(三)不予公开 6.属于四类过程性信息", "属于四类过程性信息", "6"),
    RowSpec("denied_enforcement_case_file", "(三)不予公开 7.属于行政执法案卷", "属于行政执法案卷", "7"),
    RowSpec("denied_administrative_inquiry", "(三)不予公开 8.属于行政查询事项", "属于行政查询事项", "8"),
    RowSpec("unable_not_held", "(四)无法提供 1.本机关不掌握相关政府信息", "本机关不掌握相关政府信息", "1"),
    RowSpec("unable_needs_creation", "(四)无法提供 2.没有现成信息需要另行制作", "没有现成信息需要另行制作", "2"),
    RowSpec("unable_unclear_after_correction", "(四)无法提供 3.补正后申请内容仍不明确", "补正后申请内容仍不明确", "3"),
    RowSpec("not_processed_petition", "(五)不予处理 1.信访举报投诉类申请", "信访举报投诉类申请", "1"),
    RowSpec("not_processed_duplicate", "(五)不予处理 2.重复申请", "重复申请", "2"),
    RowSpec("not_processed_publication", "(五)不予处理 3.要求提供公开出版物", "要求提供公开出版物", "3"),
    RowSpec("not_processed_excessive", "(五)不予处理 4.无正当理由大量反复申请", "无正当理由大量反复申请", "4"),
    RowSpec("not_processed_confirmation", "(五)不予处理 5.要求行政机关确认或重新出具已获取信息", "要求行政机关确认或重新出具已获取信息", "5"),
    RowSpec("other_processing", "(六)其他处理", "六其他处理", "", 0.8),
    RowSpec("other_no_correction", "(六)其他处理 1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请", "无正当理由逾期不补正行政机关不再处理", "1"),
    RowSpec("other_no_fee", "(六)其他处理 2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请", "逾期未按收费通知要求缴纳费用", "2"),
    RowSpec("other_other", "(六)其他处理 3.其他", "其他", "3", without_enum=0.6),
    RowSpec("total_processed", "(七)总计", "总计", "七"),
    RowSpec("carried_forward", "四、结转下年度继续办理", "结转下年度继续办理", "四"),
]

#: The 25 rows of the 2021 template, in order (gold keys).
T3_KEYS_2021 = [r.key for r in T3_ROWS if r.key != "other_processing"]
#: The 2019 template: (六)其他处理 is one row.
T3_KEYS_2019 = [r.key for r in T3_ROWS if r.key not in ("other_no_correction", "other_no_fee", "other_other")]
T3_LABELS = {r.key: r.label for r in T3_ROWS}
T3_OUTCOME_KEYS = T3_KEYS_2021[2:23]  # (一) … (六)3

T4_GROUPS = ["review", "litigation_direct", "litigation_after_review"]
T4_GROUP_LABELS = {"review": "行政复议", "litigation_direct": "行政诉讼·未经复议直接起诉", "litigation_after_review": "行政诉讼·复议后起诉"}
T4_COLUMNS = ["upheld", "corrected", "other", "pending", "total"]
T4_COLUMN_LABELS = ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"]

# 表二, 2021: (key, spec, number of values)
T2_ROWS_2021: list[tuple[RowSpec, list[str]]] = [
    (RowSpec("regulations", "规章", "规章"), ["issued", "repealed", "in_force"]),
    (RowSpec("normative_documents", "行政规范性文件", "规范性文件"), ["issued", "repealed", "in_force"]),
    (RowSpec("licensing", "行政许可", "行政许可"), ["count"]),
    (RowSpec("penalty", "行政处罚", "行政处罚"), ["count"]),
    (RowSpec("coercion", "行政强制", "行政强制"), ["count"]),
    (RowSpec("fees_10k_yuan", "行政事业性收费", "行政事业性收费"), ["amount"]),
]
T2_COLUMN_LABELS_2021 = {"issued": "本年制发件数", "repealed": "本年废止件数", "in_force": "现行有效件数",
                         "count": "本年处理决定数量", "amount": "本年收费金额(万元)"}

# 表二, 2019 (国办公开办函〔2019〕60号)
T2_ROWS_2019: list[tuple[RowSpec, list[str]]] = [
    (RowSpec("regulations", "规章", "规章"), ["new_made", "new_published", "total_published"]),
    (RowSpec("normative_documents", "规范性文件", "规范性文件"), ["new_made", "new_published", "total_published"]),
    (RowSpec("licensing", "行政许可", "行政许可"), ["previous_items", "change", "decisions"]),
    (RowSpec("other_services", "其他对外管理服务事项", "其他对外管理服务事项"), ["previous_items", "change", "decisions"]),
    (RowSpec("penalty", "行政处罚", "行政处罚"), ["previous_items", "change", "decisions"]),
    (RowSpec("coercion", "行政强制", "行政强制"), ["previous_items", "change", "decisions"]),
    (RowSpec("fees", "行政事业性收费", "行政事业性收费"), ["previous_items", "change"]),
    (RowSpec("procurement", "政府集中采购", "政府集中采购"), ["items", "amount"]),
]
T2_COLUMN_LABELS_2019 = {"new_made": "本年新制作数量", "new_published": "本年新公开数量", "total_published": "对外公开总数量",
                         "previous_items": "上一年项目数量", "change": "本年增/减", "decisions": "处理决定数量",
                         "items": "采购项目数量", "amount": "采购总金额"}
