"""Interface strings in the hall's language (zh-CN, zh-TW, en) and display helpers."""

from __future__ import annotations

from functools import cache

from releasehall.model.variants import to_traditional

ZH: dict[str, str] = {
    "search_label": "搜索发布和留言", "search_placeholder": "输入关键词，如 交通管制",
    "search_nojs": "搜索需要浏览器允许运行脚本。也可以按话题或部门查找：",
    "search_none": "没有找到相关内容。", "search_count": "找到 {n} 条结果", "search_all": "全部", "search_more": "显示更多结果",
    "search_department": "部门", "search_kind": "类型", "search_year": "年份", "page_kind": "页面",
    "home": "首页", "departments": "部门矩阵", "releases": "信息发布", "qa": "留言回复", "topics": "话题",
    "kinds": "发布类别", "stats": "回复考核", "overdue": "督办：超期未复", "search": "搜索",
    "skip": "跳到正文", "menu": "导航", "latest_releases": "最新发布", "latest_replies": "最新回复",
    "emergencies": "突发事件", "pinned": "置顶", "all_releases": "全部发布", "all_questions": "全部留言",
    "scoreboard": "回复榜", "spokesperson": "网络发言人", "accounts": "其他渠道", "feeds": "订阅",
    "rss": "RSS 订阅", "atom": "Atom 订阅", "opml": "全部部门订阅（OPML）", "published": "发布时间",
    "updated": "更新时间", "changes": "修改记录", "expired": "已过期", "expires": "有效期至",
    "co_published": "联合发布", "claim": "网传说法", "facts": "事实真相", "backlinks": "引用本页的内容",
    "related": "相关内容", "same_topic": "同话题内容", "question": "网友留言", "reply": "官方答复",
    "asker": "网友", "channel": "来源渠道", "category": "类别", "complexity": "办理难度", "asked": "留言时间",
    "due": "答复期限", "replied": "答复时间", "promised": "承诺办结", "resolved": "办结销号",
    "satisfaction": "回访满意度", "transfers": "转办记录", "timeline": "办理进程", "status": "状态",
    "on_time": "按时答复", "late": "超时答复", "not_replied": "尚未答复", "reply_days": "答复用时（工作日）",
    "questions": "留言", "replied_count": "已答复", "reply_rate": "回复率", "on_time_rate": "按时率",
    "mean_days": "平均用时", "median_days": "用时中位数", "overdue_now": "超期未复", "promises": "承诺办结",
    "promises_kept": "按期办结", "satisfaction_rate": "满意率", "release_count": "发布数",
    "last_release": "最近发布", "stale": "长期未更新", "level": "层级", "page": "第 {n} 页",
    "prev": "上一页", "next": "下一页", "pagination": "分页", "none": "暂无", "days_overdue": "超期工作日",
    "department": "部门", "month_report": "月度分析", "months": "月度报告", "not_found": "页面不存在",
    "not_found_text": "您要找的页面不存在或已移除。", "back_home": "返回首页", "footer_owner": "主办单位",
    "site_code": "网站标识码", "icp": "ICP备案", "police": "公安备案", "contact": "联系我们",
    "feed_of": "{name} 的订阅", "feed_about_dept": "{name}在{site}发布的信息和对网民留言的答复",
    "feed_about_topic": "{site}上关于“{name}”的发布和答复", "children": "下级单位", "item_count": "共 {n} 条", "total": "合计",
    "asked_in": "收到留言", "replied_out": "答复", "categories": "留言类别", "top_topics": "热点话题",
    "overdue_at_end": "月末超期未复", "change": "环比", "charts": "图表", "unranked": "样本不足，不排名",
    "rank": "排名", "data": "开放数据", "working_days": "{n} 个工作日", "answered_by": "答复部门",
    "pages": "服务指南", "sort_by": "排序", "measure": "指标",
    "documents": "政策文件", "doc_meta": "文件信息", "doc_index": "索引号", "doc_issuer": "发文机关",
    "doc_title": "标题", "doc_number": "发文字号", "doc_written": "成文日期", "doc_date": "发布日期",
    "doc_effective": "施行日期", "doc_repealed": "废止日期", "doc_validity": "有效性",
    "interpretations": "政策解读", "interprets": "解读的文件", "replaced_by": "现行文件", "replaces": "本文件取代",
    "banner_repealed": "本文件已于 {date} 废止", "banner_expired": "本文件已于 {date} 失效",
    "banner_current": "，现行文件见", "all_documents": "全部文件", "by_validity": "按有效性筛选",
    "by_channel": "按来源渠道筛选", "channel_counts": "各渠道留言数",
    "moved": "页面已迁移", "moved_text": "您访问的网址已更改，本页内容现在位于：",
    "paused": "暂停计时（等待补充材料）", "until_now": "至今", "paused_for": "因等待补充材料暂停计时 {n} 个工作日",
    "withdrawn": "网友已撤回留言", "withdrawn_count": "已撤回", "very_overdue": "严重超期",
    "overdue_band": "超期 {low}–{high} 个工作日", "overdue_band_first": "超期不超过 {high} 个工作日",
    "overdue_band_last": "严重超期：超过 {low} 个工作日", "overdue_feeds": "超期提醒订阅",
    "overdue_feed_title": "超期未复留言", "overdue_since": "超期起始日", "ranking_note":
    "排名依据按时率 95% 威尔逊置信区间下限（样本少的部门不因偶然的满分排在前面），表中仍显示实际按时率；留言少于 {n} 条的部门不排名。",
    "top_three": "本月按时答复前三名", "previous_month": "上月", "print_hint": "本页可直接打印为月度通报。",
    "month_data": "本月数据", "points": "个百分点", "last_month_best": "上月按时答复前三名", "lower_bound": "排名依据",
    "elder": "长辈模式", "printed": "打印于", "page_date": "本页最新信息日期",
    "organizer": "主办单位", "operator": "承办单位", "report_error": "网站纠错", "dzjg": "党政机关网站标识",
    "scroll_table": "{name}（可左右滚动）", "email": "电子邮箱", "phone": "电话",
    # media: table of contents, attachments
    "toc": "目录", "attachments": "附件", "file_meta": "{kind}，{size}", "file_pages": "，共 {n} 页",
    # reading (issue 18): masthead, next steps, QR code
    "search_site": "全站搜索",
    "ask_where": "我要留言", "ask_intro": "您可以通过以下渠道咨询、投诉或提出建议，部门的答复在本站公开：",
    "status_banner": "办理状态", "overdue_heading": "已超期 {n} 个工作日，尚未答复",
    "pending_heading": "正在办理，尚未答复", "due_on": "答复期限", "handled_by": "承办部门",
    "next_steps": "您可以：", "supervise_step": "申请督办", "ask_again": "通过其他渠道再次反映",
    "issuer_full": "发布机构",
    "qr_open": "在手机上阅读", "qr_label": "本页网址的二维码", "qr_caption": "用手机扫码打开本页",
}

EN: dict[str, str] = {
    "search_label": "Search releases and replies", "search_placeholder": "a word, e.g. 交通管制",
    "search_nojs": "Search needs scripts to run in your browser. You can also browse by topic or by department:",
    "search_none": "Nothing found.", "search_count": "{n} results", "search_all": "All", "search_more": "More results",
    "search_department": "Department", "search_kind": "Kind", "search_year": "Year", "page_kind": "Page",
    "home": "Home", "departments": "Departments", "releases": "Releases", "qa": "Questions", "topics": "Topics",
    "kinds": "Kinds", "stats": "Reply scoreboard", "overdue": "Overdue questions", "search": "Search",
    "skip": "Skip to content", "menu": "Menu", "latest_releases": "Latest releases", "latest_replies": "Latest replies",
    "emergencies": "Emergencies", "pinned": "Pinned", "all_releases": "All releases", "all_questions": "All questions",
    "scoreboard": "Reply scoreboard", "spokesperson": "Network spokesperson", "accounts": "Other channels",
    "feeds": "Subscribe", "rss": "RSS feed", "atom": "Atom feed", "opml": "All department feeds (OPML)",
    "published": "Published", "updated": "Updated", "changes": "Changes", "expired": "Expired",
    "expires": "Valid until", "co_published": "Published with", "claim": "The rumor", "facts": "The facts",
    "backlinks": "Linked from", "related": "Related", "same_topic": "On the same topics", "question": "Question",
    "reply": "Official reply", "asker": "Asked by", "channel": "Channel", "category": "Category",
    "complexity": "Complexity", "asked": "Asked", "due": "Due", "replied": "Replied", "promised": "Promised by",
    "resolved": "Resolved", "satisfaction": "Satisfaction", "transfers": "Transfers", "timeline": "Timeline",
    "status": "Status", "on_time": "On time", "late": "Late", "not_replied": "Not replied yet",
    "reply_days": "Working days to reply", "questions": "Questions", "replied_count": "Replied",
    "reply_rate": "Reply rate", "on_time_rate": "On-time rate", "mean_days": "Mean days", "median_days": "Median days",
    "overdue_now": "Overdue", "promises": "Promised", "promises_kept": "Promises kept",
    "satisfaction_rate": "Satisfaction", "release_count": "Releases", "last_release": "Last release",
    "stale": "Stale", "level": "Level", "page": "Page {n}", "prev": "Previous", "next": "Next",
    "pagination": "Pagination", "none": "None yet", "days_overdue": "Working days overdue", "department": "Department",
    "month_report": "Monthly report", "months": "Monthly reports", "not_found": "Page not found",
    "not_found_text": "The page you are looking for does not exist or was removed.", "back_home": "Back to the hall",
    "footer_owner": "Run by", "site_code": "Site code", "icp": "ICP licence", "police": "Public security record",
    "contact": "Contact", "feed_of": "Feeds of {name}", "feed_about_dept": "What {name} publishes and answers on {site}",
    "feed_about_topic": "Releases and replies about '{name}' on {site}", "children": "Units", "item_count": "{n} items",
    "total": "Total", "asked_in": "Questions in", "replied_out": "Replies out", "categories": "Categories",
    "top_topics": "Top topics", "overdue_at_end": "Overdue at month end", "change": "Change", "charts": "Charts",
    "unranked": "Too few questions to rank", "rank": "Rank", "data": "Open data", "working_days": "{n} working days",
    "answered_by": "Answered by", "pages": "Guides", "sort_by": "Sort", "measure": "Figure",
    "documents": "Documents", "doc_meta": "About this document", "doc_index": "Index number",
    "doc_issuer": "Issued by", "doc_title": "Title", "doc_number": "Document number", "doc_written": "Written",
    "doc_date": "Published", "doc_effective": "In force from", "doc_repealed": "Repealed on",
    "doc_validity": "Validity", "interpretations": "Explained in", "interprets": "Explains",
    "replaced_by": "Current document", "replaces": "Replaces",
    "banner_repealed": "This document was repealed on {date}", "banner_expired": "This document expired on {date}",
    "banner_current": "; the current document is", "all_documents": "All documents",
    "by_channel": "Filter by channel", "channel_counts": "Questions by channel",
    "by_validity": "Filter by validity", "moved": "This page has moved",
    "moved_text": "The address you followed has changed. This page is now at:",
    "paused": "Clock paused (waiting for documents)", "until_now": "now",
    "paused_for": "Clock paused for {n} working days while waiting for the citizen's documents",
    "withdrawn": "Withdrawn by the citizen", "withdrawn_count": "Withdrawn", "very_overdue": "Very overdue",
    "overdue_band": "{low}–{high} working days overdue", "overdue_band_first": "Up to {high} working days overdue",
    "overdue_band_last": "Very overdue: more than {low} working days", "overdue_feeds": "Overdue alerts",
    "overdue_feed_title": "Overdue questions", "overdue_since": "Overdue since", "ranking_note":
    "Ranked by the lower bound of the 95% Wilson score interval of the on-time rate (a small sample's perfect score "
    "does not outrank a large one's), the raw rate is shown; departments with fewer than {n} questions are not ranked.",
    "top_three": "This month's three most punctual", "previous_month": "Previous month",
    "print_hint": "This page prints as the monthly report.", "month_data": "This month's data", "points": "points", "last_month_best": "Last month's three most punctual",
    "lower_bound": "Ranked on",
    "elder": "Large text", "printed": "printed", "page_date": "newest information dated", "organizer": "Run by", "operator": "Operated by",
    "report_error": "Report an error", "dzjg": "Government website mark", "scroll_table": "{name} (scrolls sideways)",
    "email": "Email", "phone": "Phone",
    # media: table of contents, attachments
    "toc": "Contents", "attachments": "Attachments", "file_meta": "{kind}, {size}", "file_pages": ", {n} pages",
    # reading (issue 18): masthead, next steps, QR code
    "search_site": "Search the hall",
    "ask_where": "How to ask", "ask_intro": "Ask a question, complain or make a suggestion here; departments' replies are published on this site:",
    "status_banner": "Status", "overdue_heading": "{n} working days overdue, not replied yet",
    "pending_heading": "Being handled, not replied yet", "due_on": "Reply due", "handled_by": "Handled by",
    "next_steps": "What you can do:", "supervise_step": "Ask for supervision", "ask_again": "Raise it again through another channel",
    "issuer_full": "Issued by",
    "qr_open": "Read on your phone", "qr_label": "QR code of this page's address", "qr_caption": "Scan to open this page on your phone",
}

VALUES_ZH: dict[str, str] = {
    "news": "工作动态", "notice": "通知公告", "policy": "政策解读", "emergency": "突发事件", "rumor": "辟谣",
    "interview": "微访谈", "survey": "微调查", "event": "微活动",
    "consultation": "咨询", "complaint": "投诉", "suggestion": "建议", "help": "求助",
    "normal": "一般", "complex": "复杂",
    "satisfied": "满意", "basically-satisfied": "基本满意", "unsatisfied": "不满意",
    "municipal": "市级", "district": "区级", "street": "街道", "community": "社区",
    "pending": "待答复", "overdue": "已超期", "replied": "已答复", "in-progress": "办理中", "resolved": "已办结",
    "withdrawn": "已撤回",
    "wechat": "微信", "weixin": "微信", "weibo": "微博", "douyin": "抖音", "toutiao": "今日头条", "kuaishou": "快手",
    "bilibili": "哔哩哔哩", "xiaohongshu": "小红书", "miniprogram": "微信小程序", "app": "客户端", "website": "网站",
    "web": "网站", "email": "电子邮箱", "phone": "电话", "hotline": "热线", "12345": "12345 热线",
    "board": "留言板", "video": "视频号", "channels": "视频号",
}

VALUES_EN: dict[str, str] = {
    "news": "News", "notice": "Notice", "policy": "Policy explained", "emergency": "Emergency", "rumor": "Rumor refuted",
    "interview": "Interview", "survey": "Survey", "event": "Event",
    "consultation": "Consultation", "complaint": "Complaint", "suggestion": "Suggestion", "help": "Help",
    "normal": "Normal", "complex": "Complex",
    "satisfied": "Satisfied", "basically-satisfied": "Basically satisfied", "unsatisfied": "Unsatisfied",
    "municipal": "Municipal", "district": "District", "street": "Street", "community": "Community",
    "pending": "Pending", "overdue": "Overdue", "replied": "Replied", "in-progress": "In progress",
    "resolved": "Resolved", "withdrawn": "Withdrawn",
    "wechat": "WeChat", "weixin": "WeChat", "weibo": "Weibo", "douyin": "Douyin", "toutiao": "Toutiao",
    "kuaishou": "Kuaishou", "bilibili": "Bilibili", "xiaohongshu": "Xiaohongshu", "miniprogram": "WeChat mini program",
    "app": "App", "website": "Website", "web": "Website", "email": "Email", "phone": "Phone", "hotline": "Hotline",
    "12345": "12345 hotline", "board": "Message board", "video": "WeChat Channels", "channels": "WeChat Channels",
}


VALIDITY_ZH: dict[str, str] = {"pending": "尚未施行", "effective": "有效", "repealed": "已废止", "expired": "已失效"}
VALIDITY_EN: dict[str, str] = {"pending": "Not yet in force", "effective": "In force", "repealed": "Repealed",
                               "expired": "Expired"}

# The figures' own words (issue 18): units, what a ranking is by, why a list is empty
FIGURES_ZH: dict[str, str] = {
    "as_of": "统计截至 {when}", "in_working_days": "（工作日）", "n_questions": "{n} 条", "n_days": "{n} 个工作日",
    "day_unit": "个工作日", "n_promised": "承诺 {n} 件", "n_kept": "，按期办结 {n} 件", "on_time_of": "{judged} 条到期留言中 {on_time} 条按时答复",
    "not_ranked": "不排名", "month_col": "月份", "hall_row": "全厅合计", "hall_figures": "全厅指标",
    "dept_figures": "各部门指标", "promises_plain": "承诺 {promised} 件，按期办结 {kept} 件", "no_promises": "未作承诺",
    "ranking_explain": "名次按按时率排列：已到答复期限的留言中按时答复的比例（加粗的一列）。为免留言很少的部门凭偶然的满分"
    "排在前面，名次依据按时率 95% 置信区间的下限，所以名次与按时率的高低偶有不同。收到留言少于 {n} 条的部门样本不足，"
    "列在最后，不排名。用时以工作日计。",
    "replies_explain": "“答复”计入当月发出的全部答复，包括对以前月份留言的答复，所以可能多于当月收到的留言。",
    "top_empty": "暂无：收到留言不少于 {n} 条、且有留言已到答复期限的部门才参与排名，本月没有这样的部门。",
    "change_explain": "环比：与上月（{month}）相比；比率的变化以百分点计。",
    "chart_on_time": "各部门按时率（参与排名的部门，按名次）", "chart_months": "每月收到留言（条）",
    "chart_categories": "本月留言按类别（条）",
    "overdue_explain": "下列留言已过答复期限仍未答复，超期天数以工作日计，超期最久的在前。",
}
FIGURES_EN: dict[str, str] = {
    "as_of": "As of {when}", "in_working_days": " (working days)", "n_questions": "{n}", "n_days": "{n} working days",
    "day_unit": "working days", "n_promised": "{n} promised", "n_kept": ", {n} kept on time", "on_time_of": "{on_time} of {judged} due answered on time",
    "not_ranked": "Not ranked", "month_col": "Month", "hall_row": "Whole hall", "hall_figures": "The hall's figures",
    "dept_figures": "By department", "promises_plain": "{kept} of {promised} promises kept on time",
    "no_promises": "No promises",
    "ranking_explain": "Ranked by the on-time rate: the share of questions past their deadline that were answered in time "
    "(the bold column). So that a department with few questions does not come first by a lucky perfect score, places "
    "rest on the lower bound of the rate's 95% confidence interval, so a place and the rate shown can differ. "
    "Departments with fewer than {n} questions are listed last, not ranked. Times are in working days.",
    "replies_explain": "Replies count every reply sent in the month, including replies to questions asked earlier, so "
    "they can outnumber the month's questions.",
    "top_empty": "None: only departments with at least {n} questions, some of them past their deadline, are ranked; "
    "none had that many this month.",
    "change_explain": "Change: against the month before ({month}); rates change in percentage points.",
    "chart_on_time": "On-time rate of the ranked departments, by place", "chart_months": "Questions received each month",
    "chart_categories": "This month's questions by category",
    "overdue_explain": "These questions are past their deadline without a reply; days are working days, the longest "
    "overdue first.",
}


@cache
def strings(language: str) -> dict[str, str]:
    """Interface words and enum labels for one language, in one mapping."""
    if language == "en":
        return {**EN, **FIGURES_EN, **{f"v:{k}": v for k, v in VALUES_EN.items()},
                **{f"validity:{k}": v for k, v in VALIDITY_EN.items()}}
    base = {**ZH, **FIGURES_ZH, **{f"v:{k}": v for k, v in VALUES_ZH.items()}, **{f"validity:{k}": v for k, v in VALIDITY_ZH.items()}}
    if language == "zh-TW":
        return {key: to_traditional(value) for key, value in base.items()}
    return base
