"""The one translation table for everything users read. 中文 is the default language.

:data:`LABELS` holds each label once. Words that belong to the data are registered here
from where they are defined, not typed again: the chief levels (``level_<code>``) from
:data:`gis.catalogue.LEVELS` and the inventory figures (``summary.<key>``, the keys of
``riverchief summary --json``) from :data:`SUMMARY_LABELS`. Layer, field and code labels
of the catalogue are read through :func:`label`, which picks the language of a
``(中文, English)`` pair as :func:`t` does.

The messages of the library's errors (one row per error code, zh and en, with
``{param}`` placeholders) are in ``gis/rules/messages.csv``, read here by
:func:`error_template` — a CSV so that a translator edits one sheet.
"""

from __future__ import annotations

import csv
import functools
from importlib import resources

from gis import catalogue
from gis._errors import UnknownNameError

LANGUAGES = ("zh", "en")
#: Each language's BCP 47 tag (html ``lang``, the browser widgets' calendars)
LOCALES = {"zh": "zh-CN", "en": "en"}

LABELS: dict[str, tuple[str, str]] = {
    "app_title": ("河长制 GIS", "River Chief GIS"),
    "language": ("语言", "Language"),
    "data_file": ("县级数据库", "County store"),
    "overview": ("总览", "Overview"),
    "inventory": ("基础台账", "Inventory"),
    "item": ("项目", "Item"),
    "value": ("数量", "Value"),
    "map": ("地图", "Map"),
    "layers_note": (
        "右上角图层控制可开关各图层。底图为离线山体阴影，无需联网。",
        "Use the layer control (top right) to switch layers. The basemap is an offline hillshade; "
        "no internet needed.",
    ),
    "legend": ("图例", "Legend"),
    "hillshade": ("山体阴影(离线)", "Hillshade (offline)"),
    "labels": ("注记(镇乡、村、河流名称)", "Labels (townships, villages, rivers)"),
    "basemap_unreachable": (
        "在线底图无法加载(本机可能未联网)：只显示本地数据。可在侧栏改用离线底图。",
        "The online basemap cannot be loaded (no internet here?): only local data is shown. "
        "Switch to the offline basemap in the sidebar.",
    ),
    "county_boundary": ("县界", "County boundary"),
    "townships": ("镇乡界", "Township boundaries"),
    "villages": ("村界", "Village boundaries"),
    "rivers_province": ("省管河流", "Province-managed rivers"),
    "rivers_city": ("市管河流", "City-managed rivers"),
    "rivers_county": ("县管河流", "County-managed rivers"),
    "rivers_township": ("镇乡管河流", "Township-managed rivers"),
    "rivers_village": ("村管河流", "Village-managed rivers"),
    "reservoirs": ("水库", "Reservoirs"),
    "water_sources": ("饮用水水源", "Drinking-water sources"),
    "protection_zones": ("水源保护区", "Protection zones"),
    "quarries": ("采砂场", "Sand quarries"),
    "signboards": ("河长公示牌", "Signboards"),
    "page_gaps": ("管护空白", "Coverage gaps"),
    "unassigned": ("无河长河段", "Unassigned reaches"),
    "unassigned_km": ("无河长河段长度(km)", "Unassigned length (km)"),
    "holes": ("责任区间空档", "Holes in chainage ranges"),
    "unknown_codes": ("责任表中不存在的编码", "Assignments to codes that do not exist"),
    "zero_coverage": ("覆盖 0 米的责任", "Assignments covering 0 m"),
    "level_mismatches": ("河长级别与责任级别不符", "Chiefs assigned at another level"),
    "township": ("镇乡", "Township"),
    "all": ("全部", "All"),
    "reach_id": ("河段编号", "Reach"),
    "river": ("河流", "River"),
    "length_m": ("长度(m)", "Length (m)"),
    "chainage": ("桩号", "Chainage"),
    "download": ("下载", "Download"),
    "proposal": ("建议划定(未批复)", "Proposed (not approved)"),
    "query_point": ("查询点", "Query point"),
    "query": ("查询位置", "Query a place"),
    "query_help": ("输入坐标，或在地图上点击。", "Type coordinates, or click the map."),
    "coords": ("坐标 经度,纬度", "Coordinates LON,LAT"),
    "coord_system": ("坐标系", "Coordinate system"),
    "in_zones": ("所在保护区", "Zones at this place"),
    "in_no_zone": ("不在任何水源保护区内。", "Not inside any protection zone."),
    "zone_id": ("保护区编号", "Zone"),
    "source_code": ("水源编码", "Source"),
    "level": ("级别", "Level"),
    "origin": ("来源", "Origin"),
    "no_zone_sources": ("尚未划定保护区的水源", "Sources without an official zone"),
    "source_type": ("类型", "Type"),
    "propose_for": ("为水源建议划定保护区", "Propose a zone for a source"),
    "area_ha": ("面积(公顷)", "Area (ha)"),
    "notes": ("备注", "Notes"),
    "page_quarries": ("采砂监管", "Sand quarries"),
    "quarries_total": ("采砂场", "Quarries"),
    "quarries_violating": ("存在违规", "With violations"),
    "quarries_compliant": ("未发现违规", "No violation found"),
    "violations": ("违规清单", "Violations"),
    "rule_set": ("规则集", "Rule set"),
    "quarry_id": ("编号", "ID"),
    "name": ("名称", "Name"),
    "status": ("状态", "Status"),
    "rule": ("违反规则", "Rule broken"),
    "distance_m": ("沿河距离(m)", "Along-channel distance (m)"),
    "detail": ("说明", "Detail"),
    "rule_prohibited_mining_zone": ("位于禁采区", "Inside a prohibited mining zone"),
    "rule_protection_zone": ("位于水源保护区", "Inside a protection zone"),
    "rule_bridge_upstream": (
        "桥梁上游禁采距离内",
        "Within the prohibited distance upstream of a bridge",
    ),
    "rule_bridge_downstream": (
        "桥梁下游禁采距离内",
        "Within the prohibited distance downstream of a bridge",
    ),
    "rule_dam_upstream": ("大坝上游禁采距离内", "Within the prohibited distance upstream of a dam"),
    "rule_dam_downstream": (
        "大坝下游禁采距离内",
        "Within the prohibited distance downstream of a dam",
    ),
    "rule_intake_upstream": (
        "取水口上游禁采距离内",
        "Within the prohibited distance upstream of an intake",
    ),
    "rule_intake_downstream": (
        "取水口下游禁采距离内",
        "Within the prohibited distance downstream of an intake",
    ),
    "rule_ferry_upstream": (
        "渡口上游禁采距离内",
        "Within the prohibited distance upstream of a ferry",
    ),
    "rule_ferry_downstream": (
        "渡口下游禁采距离内",
        "Within the prohibited distance downstream of a ferry",
    ),
    "rule_gauging_station_upstream": (
        "水文站上游禁采距离内",
        "Within the prohibited distance upstream of a gauging station",
    ),
    "rule_gauging_station_downstream": (
        "水文站下游禁采距离内",
        "Within the prohibited distance downstream of a gauging station",
    ),
    "rule_management_range_no_permit": (
        "管理范围内无证开采",
        "Working in a management range without a valid permit",
    ),
    "rule_closed_still_operating": ("已关停仍在生产", "Closed by order but still operating"),
    "rule_missing_weighbridge": ("未安装地磅", "No weighbridge"),
    "rule_missing_video": ("未安装视频监控", "No video surveillance"),
    "page_patrols": ("巡河监管", "Patrols"),
    "period_from": ("起始日期", "From"),
    "period_to": ("截止日期", "To"),
    "analysing_patrols": (
        "正在分析巡河轨迹(首次约 1 分钟)",
        "Analysing patrol tracks (about a minute the first time)",
    ),
    "chiefs_compliant": ("巡河达标河长", "Chiefs meeting the patrol rule"),
    "valid_patrols": ("有效巡河(次)", "Valid patrols"),
    "suspicious_patrols": ("可疑巡河(次)", "Suspicious patrols"),
    "reaches_never_patrolled": ("期内未巡河段", "Reaches never patrolled"),
    "last_patrolled": ("最近巡河", "Last patrolled"),
    "recency_recent": ("7 天内", "within 7 days"),
    "recency_month": ("8–30 天", "8–30 days"),
    "recency_older": ("30 天以上", "over 30 days"),
    "recency_never": ("期内未巡", "not in the period"),
    "tracks_valid": ("有效轨迹", "Valid tracks"),
    "tracks_suspicious": ("可疑轨迹", "Suspicious tracks"),
    "time_slider": ("轨迹回放(时间滑块)", "Track replay (time slider)"),
    "choose_chief": ("查看河长轨迹", "Show a chief's tracks"),
    "choose_patrol": ("巡河记录", "Patrol"),
    "patrols_after_chief": (
        "选择一位河长后，这里列出他本期的每次巡河。",
        "Pick a chief to list each of his patrols in the period.",
    ),
    "no_patrols_of_chief": (
        "该河长本期无巡河记录(已核查)。",
        "No patrol by this chief in the period (checked).",
    ),
    "no_suspicious_patrols": (
        "本期无可疑巡河(已核查)。",
        "No suspicious patrol in the period (checked).",
    ),
    "no_never_patrolled": (
        "本期每个河段都有人巡(已核查)。",
        "Every reach was patrolled in the period (checked).",
    ),
    "slider_help": (
        "拖动地图底部时间滑块，按巡河时间回放轨迹。",
        "Drag the time slider under the map to replay the tracks as they were walked.",
    ),
    "patrols_per_week": ("每周有效巡河次数(按级别)", "Valid patrols per week, by level"),
    "compliance_by_township": (
        "各镇乡河长巡河达标率(%)",
        "Chiefs meeting the patrol rule, by township (%)",
    ),
    "week": ("周", "Week"),
    "compliance_rate": ("达标率(%)", "Compliance (%)"),
    "chief": ("河长", "Chief"),
    "date": ("日期", "Date"),
    "flags": ("问题", "Problems"),
    "distance_km": ("里程(km)", "Distance (km)"),
    "duration_min": ("时长(分钟)", "Duration (min)"),
    "speed_ms": ("平均速度(m/s)", "Mean speed (m/s)"),
    "flag_times_invalid": ("时间无效", "Times invalid"),
    "flag_too_short": ("时长或里程不足", "Too short"),
    "flag_vehicle_speed": ("速度过快(疑乘车)", "Vehicle speed"),
    "flag_stationary": ("原地不动", "Stationary"),
    "flag_off_river": ("未沿责任河段", "Away from the assigned river"),
    "flag_duplicate": ("重复上传", "Duplicate upload"),
    "flag_teleport": ("轨迹跳变", "Teleport"),
    "no_patrol_data": ("该数据库没有巡河轨迹。", "This store has no patrol tracks."),
    "page_jurisdiction": ("责任体系", "Jurisdiction"),
    "building_reaches": (
        "正在按村界分段(首次约 5 秒)",
        "Cutting rivers into reaches (about 5 s the first time)",
    ),
    # the jurisdiction of a county without village polygons: said plainly, not an empty map
    "cut_by_township": (
        "本库没有村界：河段按镇乡界划分，村级河长无法逐段对应。",
        "The store has no village boundaries: reaches are cut by township, so village "
        "chiefs cannot be matched reach by reach.",
    ),
    "cut_by_county": (
        "本库没有镇乡界和村界：河段按县界划分，乡级、村级河长无法逐段对应。",
        "The store has no township or village boundaries: reaches are cut by the county "
        "outline, so township and village chiefs cannot be matched reach by reach.",
    ),
    "cut_none": (
        "本库没有行政区界线：无法划分河段。请先导入县、镇乡、村界。",
        "The store has no admin boundaries: no reaches can be cut. Import the county, "
        "township and village boundaries first.",
    ),
    "not_checked": ("未核查", "Not checked"),
    "level_not_checked": (
        "：本库没有该级行政区界线，此级未核查（不代表已全覆盖）。",
        ": the store has no boundaries of this level, so it was not checked (this is not "
        "full coverage).",
    ),
    "level_not_checked_above": (
        "：本库没有县界（或县级单位代码不是县级代码），无法量算此级管理河流在县内的长度，"
        "此级未核查（不代表已全覆盖）。",
        ": the store has no county boundary (or the county unit's code is not a county code), "
        "so rivers managed at this level could not be measured in the county and this level "
        "was not checked (this is not full coverage).",
    ),
    # what a partial or clean county could not check, said plainly (issue 14 item 7)
    "no_rivers_not_checked": (
        "未核查：本库没有河流，无法查找无河长河段（不代表已全覆盖）。",
        "Not checked: the store has no rivers, so no unassigned reach could be looked for "
        "(this is not full coverage).",
    ),
    "register_not_checked": (
        "未核查：本库没有河长名录或河长责任表，无法核查责任表错误。",
        "Not checked: the store has no chief register or assignments, so the register could "
        "not be checked.",
    ),
    "all_checked_none_found": (
        "各级均已核查：未发现无河长河段。",
        "Every level was checked: no unassigned reach was found.",
    ),
    "no_quarries_not_checked": (
        "未核查：本库没有采砂场，无可核查的采砂场。",
        "Not checked: the store has no sand quarries to check.",
    ),
    "no_sources_not_checked": (
        "未核查：本库没有饮用水水源，无法核查水源保护区。",
        "Not checked: the store has no drinking-water sources, so no protection zone could "
        "be checked.",
    ),
    "no_rivers_no_reaches": (
        "本库没有河流：没有可查看的河段。",
        "The store has no rivers: there are no reaches to show.",
    ),
    "layers_missing": (
        "本库尚未导入以下图层，其数量 0 表示未导入，并非已核查：",
        "The store has none of these layers yet; their 0 means not imported, not checked: ",
    ),
    # the drawing toolbar of the zones map (Leaflet.draw's own words are English)
    "draw_polygon": ("绘制多边形", "Draw a polygon"),
    "draw_rectangle": ("绘制矩形", "Draw a rectangle"),
    "draw_cancel": ("取消", "Cancel"),
    "draw_finish": ("完成", "Finish"),
    "draw_undo": ("撤销上一点", "Delete last point"),
    "draw_start": ("点击地图开始绘制", "Click to start drawing"),
    "draw_continue": ("点击继续绘制", "Click to continue drawing"),
    "draw_end": ("点击第一个点结束", "Click the first point to close"),
    "draw_drag": ("按住并拖动绘制矩形", "Click and drag to draw a rectangle"),
    "draw_release": ("松开鼠标完成绘制", "Release the mouse to finish"),
    "draw_remove": ("删除图形", "Delete shapes"),
    "draw_remove_none": ("没有可删除的图形", "No shapes to delete"),
    "draw_remove_tip": ("点击要删除的图形", "Click a shape to delete it"),
    "draw_save": ("保存", "Save"),
    "draw_clear_all": ("全部清除", "Clear all"),
    "none_found": ("已核查，未发现。", "Checked: none found."),
    "locate_on_map": ("在地图上定位", "Show on the map"),
    "tool_coords": ("移动鼠标查看经纬度(CGCS2000)", "Move the mouse: lon/lat (CGCS2000)"),
    "tool_lon": ("经度", "Lon"),
    "tool_lat": ("纬度", "Lat"),
    "tool_copy": ("单击复制经纬度", "Click to copy the coordinates"),
    "tool_copied": ("已复制", "Copied"),
    "tool_measure": ("测量", "Measure"),
    "tool_hint": (
        "在地图上单击加点，量距离和面积；再点“测量”结束",
        "Click the map to add points (distance and area); click Measure again to stop",
    ),
    "tool_distance": ("距离", "Distance"),
    "tool_area": ("面积", "Area"),
    "locate_pick": ("— 选择一行 —", "— pick a row —"),
    "located": ("定位", "Shown"),
    "township_bounds": ("镇乡界", "township boundaries"),
    "village_bounds": ("村界", "village boundaries"),
    "no_township_bounds": (
        "本库没有镇乡界：河段按村界划分，镇乡级河长无法逐段对应。",
        "The store has no township boundaries: reaches are cut by village, so township "
        "chiefs cannot be matched reach by reach.",
    ),
    "chief_not_checked": (
        "：本库没有该级行政区界线，此级河长未核查（不代表无河长）。",
        ": the store has no boundaries of this level, so its chiefs were not checked (this "
        "does not mean there is none).",
    ),
    "rule_set_default": ("默认规则表", "default table"),
    "rule_set_override": ("自定规则表", "own table"),
    "select_by": ("查看对象", "Select by"),
    "by_village": ("村", "Village"),
    "reaches": ("河段", "reaches"),
    "selected_reaches": ("选中河段", "Selected reaches"),
    "clicked_reach": ("点击的河段", "Clicked reach"),
    "click_a_reach": (
        "在地图上点击河段，查看各级河长、桩号和公示牌。",
        "Click a reach on the map for its chiefs at every level, chainage and signboards.",
    ),
    "shared_reach": ("界河共管", "shared boundary reach"),
    "chiefs": ("各级河长", "Chiefs"),
    "post": ("职务", "Post"),
    "phone": ("电话", "Phone"),
    "not_in_register": ("不在河长名录中", "not in the chief register"),
    "no_chief": ("无河长", "no chief"),
    "board_id": ("公示牌编号", "Signboard"),
    "distance_m_plain": ("距离(m)", "Distance (m)"),
    "phones_masked": (
        "电话号码已隐去中间四位；工作人员登录后可见。",
        "Phone numbers are masked; staff see them after logging in.",
    ),
    "basemap": ("底图", "Basemap"),
    "basemap_offline": ("离线(山体阴影)", "Offline (hillshade)"),
    "basemap_tianditu": ("天地图(需密钥)", "Tianditu (needs a key)"),
    "basemap_osm": ("OpenStreetMap", "OpenStreetMap"),
    "basemap_gaode": ("高德(GCJ-02 纠偏)", "Gaode (GCJ-02 shifted)"),
    "staff_mode": ("工作人员登录", "Staff login"),
    "staff_not_configured": (
        "未配置工作人员密码：运行 `riverchief hash-password`，把输出写入 .streamlit/secrets.toml。",
        "No staff password is set: run `riverchief hash-password` and put its line in "
        ".streamlit/secrets.toml.",
    ),
    "password": ("密码", "Password"),
    "staff_login": ("登录", "Log in"),
    "staff_logout": ("退出登录", "Log out"),
    "staff_on": (
        "工作人员模式：显示完整电话，可写入数据",
        "Staff mode: full phone numbers, imports can be written",
    ),
    "staff_wrong": ("密码不正确", "Wrong password"),
    "user_name": ("用户名", "User name"),
    "signed_in_as": ("当前用户", "Signed in as"),
    "role_visitor": ("访客", "visitor"),
    "role_staff": ("工作人员", "staff"),
    "role_admin": ("管理员", "admin"),
    "users_misconfigured": (
        "secrets.toml 中的用户配置有误，暂不能登录",
        "The users in secrets.toml are misconfigured; nobody can log in",
    ),
    "login_wait": (
        "登录失败次数过多：请 {s} 秒后再试。",
        "Too many failed logins: try again in {s} s.",
    ),
    "login_locked": (
        "登录失败次数过多，已锁定：请 {m} 分钟后再试。",
        "Too many failed logins; locked: try again in {m} min.",
    ),
    "login_bad_hash": (
        "该账号的密码哈希不可用，请管理员重新生成",
        "This account's password hash cannot be used; ask the administrator to make a new one",
    ),
    "auth_not_this_county": (
        "你的账号不负责本县：电话仍隐去，不能写入。",
        "Your account is not for this county: phones stay masked, nothing can be written.",
    ),
    "audit_failed": ("操作日志未能写入", "The audit log could not be written"),
    "auth_need_login": (
        "此操作需工作人员登录：未写入任何数据。",
        "This needs a staff login: nothing was written.",
    ),
    "auth_other_county": (
        "你的账号无权操作本县数据库：未写入任何数据。",
        "Your account may not change this county's store: nothing was written.",
    ),
    "page_data": ("数据管理", "Data"),
    "import": ("导入数据", "Import"),
    "upload_file": (
        "上传文件(GeoPackage、Shapefile 压缩包、GeoJSON、KML、GPX、CSV、XLSX)",
        "Upload a file (GeoPackage, zipped Shapefile, GeoJSON, KML, GPX, CSV, XLSX)",
    ),
    "target_layer": ("导入到图层", "Target layer"),
    "crs_if_missing": ("坐标系(文件缺失时)", "CRS (if the file has none)"),
    "encoding": ("字符编码", "Encoding"),
    "import_mode": ("方式", "Mode"),
    "mode_append": ("追加", "Append"),
    "mode_replace": ("替换整层", "Replace the layer"),
    "swap_xy": ("文件中经纬度互换(纬度在前)", "The file has latitude first (swap lon/lat)"),
    "check_file": ("检查(不写入)", "Check (write nothing)"),
    "import_file": ("导入", "Import"),
    "import_staff_only": ("写入数据库需工作人员登录。", "Writing to the store needs staff login."),
    "demo_read_only": (
        "这是随程序附带的示范县：可以试运行检查文件，但不会写入。请先在“建立县库”页建立本县县库。",
        "This is the shipped demo county: files can be checked against it, but nothing is "
        "written. Set up your county's store on the 建立县库 page first.",
    ),
    "rows_read": ("读取(行)", "Rows read"),
    "rows_accepted": ("通过(行)", "Accepted"),
    "rows_rejected": ("拒收(行)", "Rejected"),
    "rows_repaired": ("已修复(行)", "Repaired"),
    "clip_counts": (
        "县外 {outside} 行未导入，{clipped} 行在县界处截断",
        "{outside} rows outside the county not imported, {clipped} rows cut at the county border",
    ),
    "written": ("已写入县级数据库。", "Written to the county store."),
    "not_written": ("数据库未改动。", "The store was not changed."),
    "damaged_file": ("文件损坏", "Damaged file"),
    "row": ("行", "Row"),
    "field": ("字段", "Field"),
    "reason": ("原因", "Reason"),
    "fix": ("处理办法", "Fix"),
    "action": ("处理", "Action"),
    "action_rejected": ("拒收", "rejected"),
    "action_repaired": ("已修复", "repaired"),
    "download_rejects": ("下载拒收行(CSV)", "Download rejected rows (CSV)"),
    "preview_rows": ("文件共 {n} 行；前几行：", "{n} rows in the file; the first ones:"),
    "column_mapping": ("列对应关系", "Column mapping"),
    "column_mapping_note": (
        "每个源列对应一个字段，已按表头识别预填；可修改。",
        "Each source column maps to a field, pre-filled from the header; change as needed.",
    ),
    "map_keep": ("保留为附加列", "Keep as an extra column"),
    "map_drop": ("不导入", "Do not import"),
    "defaults": ("默认值(文件缺少的必填字段)", "Defaults (required fields the file lacks)"),
    "default_for": ("{field} 的默认值", "Default for {field}"),
    "default_none": ("(不填)", "(none)"),
    "needs_lonlat": (
        "文件没有几何：请把两列分别对应到“经度”和“纬度”。",
        "The file has no geometry: map two columns to longitude and latitude.",
    ),
    "file_crs": ("文件坐标系：{crs}", "The file's CRS: {crs}"),
    "crs_choice": ("坐标系(文件没有坐标系)", "CRS (the file has none)"),
    "crs_table_default": ("经纬度(CGCS2000/WGS84，默认)", "Degrees (CGCS2000/WGS84, default)"),
    "crs_pick": ("请选择", "Choose one"),
    "crs_other": ("其他(手动输入)", "Other (type it)"),
    "crs_other_input": ("坐标系，如 EPSG:4545", "CRS, e.g. EPSG:4545"),
    "crs_gk": ("CGCS2000 三度带 中央经线 {cm}°E", "CGCS2000 3-degree GK, CM {cm}°E"),
    "crs_gk_prefixed": (
        "CGCS2000 三度带(带号) 第 {zone} 带",
        "CGCS2000 3-degree GK with zone prefix, zone {zone}",
    ),
    "crs_4490": ("CGCS2000 经纬度", "CGCS2000 degrees"),
    "crs_4326": ("WGS84 经纬度", "WGS84 degrees"),
    "encoding_auto": ("自动识别", "Detect"),
    "source_layer": ("文件中的图层", "Layer in the file"),
    "allow_outside": (
        "允许中国境外的位置(国外参考数据)",
        "Allow places outside China (foreign data)",
    ),
    "clip_county": ("裁剪到县界", "Clip to the county boundary"),
    "hint_swap": ("勾选“文件中经纬度互换(纬度在前)”", "tick “The file has latitude first”"),
    "hint_crs": ("检查“坐标系”的选择", "check the CRS chosen"),
    "hint_outside": (
        "检查“坐标系”的选择；国外数据请勾选“允许中国境外的位置”",
        "check the CRS chosen; for foreign data tick “Allow places outside China”",
    ),
    "hint_replace": ("方式选“替换整层”", "choose the mode “Replace the layer”"),
    "hint_clip": ("取消勾选“裁剪到县界”", "untick “Clip to the county boundary”"),
    "hint_encoding": ("选择“字符编码”(如 GBK)", "choose the encoding (e.g. GBK)"),
    "export": ("导出数据", "Export"),
    "export_gpkg": ("县级数据库 GeoPackage", "County GeoPackage"),
    "export_xlsx": ("全部图层 XLSX", "All layers as XLSX"),
    "export_csv": ("全部图层 CSV(zip)", "All layers as CSV (zip)"),
    "export_masked": (
        "未登录时导出的电话号码已隐去中间四位。",
        "Phone numbers are masked unless you log in as staff.",
    ),
    "export_note": (
        "GeoPackage 可直接用 QGIS 打开(CGCS2000, EPSG:4490)；表格中的几何为 WKT。",
        "The GeoPackage opens in QGIS (CGCS2000, EPSG:4490); sheets carry geometry as WKT.",
    ),
    "query_how": ("查询方式", "Query by"),
    "query_by_point": ("坐标或点击地图", "Coordinates or a map click"),
    "query_by_draw": ("在地图上绘制范围", "Draw an area on the map"),
    "query_by_file": ("上传文件", "Upload a file"),
    "draw_help": (
        "用地图左侧的多边形或矩形工具绘制范围，完成后显示它涉及的保护区。",
        "Draw a polygon or rectangle with the tools on the left of the map; the zones it touches "
        "appear here.",
    ),
    "upload_places": (
        "上传点、线或面文件(GeoPackage、Shapefile 压缩包、GeoJSON、KML、GPX)",
        "Upload points, lines or polygons (GeoPackage, zipped Shapefile, GeoJSON, KML, GPX)",
    ),
    "feature": ("要素", "Feature"),
    "inside_zone": ("保护区内", "Inside"),
    "drawn_area": ("绘制的范围", "Drawn area"),
    "structures": ("涉水构筑物", "Structures"),
    "search": (
        "搜索 河流、镇乡、村、河长、水库",
        "Search rivers, townships, villages, chiefs, reservoirs",
    ),
    "search_hint": ("名称或编码，如 黄沟江", "a name or code, e.g. 黄沟江"),
    "search_none": ("没有找到。", "Nothing found."),
    "kind": ("类别", "Kind"),
    "code": ("编码", "Code"),
    "show_on_map": ("在地图上显示", "Show on the map"),
    "no_data": ("找不到数据文件：", "No data file at: "),
    "no_data_postgis": (
        "PostGIS 数据库中还没有本县的数据：",
        "The PostGIS database holds no data of this county yet: ",
    ),
    "no_data_postgis_fix": (
        "管理员可用 riverchief copy-store 把县级数据库(.gpkg)复制进 PostGIS 后再打开。",
        "An administrator copies the county store (.gpkg) into PostGIS with "
        "riverchief copy-store, then opens the app again.",
    ),
    "setup_postgis": (
        "本应用连接的是 PostGIS 数据库：县库由管理员用 riverchief copy-store 建立，不在此页建立。",
        "This app works on a PostGIS database: its county is loaded by an administrator with "
        "riverchief copy-store, not set up on this page.",
    ),
    "no_data_fix": (
        "工作人员登录后可在“建立县库”页上传县界，建立本县的县级数据库；"
        "或由管理员指定已有的县级数据库再启动应用。",
        "Staff can set up the county's store on the Set up a county page from its boundary; "
        "or the administrator starts the app on an existing county store.",
    ),
    "county_unnamed": ("未命名", "unnamed"),
    "page_setup": ("建立县库", "Set up a county"),
    "setup_intro": (
        "上传本县的县界(压缩的 Shapefile .zip、GeoPackage 或 GeoJSON)，填写县代码和县名，"
        "建立本县自己的县级数据库。之后在“数据”页导入河流、河长等图层。",
        "Upload your county's boundary (a zipped Shapefile, GeoPackage or GeoJSON) with the "
        "county's code and name to set up its own store; then import rivers, chiefs and the "
        "other layers on the Data page.",
    ),
    "setup_boundary": ("县界文件", "Boundary file"),
    "setup_code": ("县级行政区划代码(6 位)", "County code (6 digits)"),
    "setup_name": ("县名", "County name"),
    "setup_crs": ("坐标系(文件没有 .prj 时填写)", "CRS (when the file has no .prj)"),
    "setup_button": ("建立县库", "Set up the store"),
    "setup_staff_only": (
        "只有工作人员登录后才能建立县库。",
        "Only signed-in staff can set up a store.",
    ),
    "setup_done": (
        "已建立县库：{name} {code}，县界 {parts} 个要素合并为一个，面积 {area} 平方公里，"
        "高斯-克吕格分带 EPSG:{gk}。",
        "Store set up: {name} {code}; {parts} boundary feature(s) dissolved into one, "
        "{area} km², Gauss-Krüger zone EPSG:{gk}.",
    ),
    "setup_has_data": (
        "本应用服务的县库已有数据，不能再建。下面建立的新县库可下载，再由管理员用它启动应用。",
        "The store this app serves already holds data and is not set up again. The new store "
        "below is offered as a download for the administrator to serve.",
    ),
    "setup_download": ("下载新县库 (.gpkg)", "Download the new store (.gpkg)"),
}

#: The figures of the county inventory (:func:`gis.inventory.summarize`), in report order:
#: stable JSON keys (tools depend on them) with their labels.
SUMMARY_LABELS: dict[str, tuple[str, str]] = {
    "rivers": ("登记河流(条)", "Rivers registered"),
    "rivers_in_register": ("列入名录河流(条)", "Rivers in the register (名录)"),
    "county_rivers": ("县管河流(条)", "County-managed rivers"),
    "reservoirs": ("水库(座)", "Reservoirs"),
    "townships": ("镇乡(个)", "Townships"),
    "villages": ("村(个)", "Villages"),
    "chiefs_county": ("县级河长(名)", "County-level chiefs"),
    "chiefs_township": ("镇乡级河长(名)", "Township-level chiefs"),
    "patrollers_village": ("村级巡河员(名)", "Village patrollers"),
    "water_sources": ("集中式供水水源(处)", "Centralised water sources"),
    "water_sources_with_zone": ("已划定保护区水源(处)", "Sources with a protection zone"),
    "signboards": ("河长公示牌(块)", "Signboards"),
    "quarries": ("采砂场(个)", "Sand quarries"),
    "quarries_closed": ("已关停采砂场(个)", "Quarries closed"),
    "weighbridges": ("地磅(台)", "Weighbridges"),
    "video_systems": ("视频监控(套)", "Video-surveillance systems"),
    "river_length_km": ("河流总长(km)", "Total river length (km)"),
}
LABELS.update({f"summary.{k}": v for k, v in SUMMARY_LABELS.items()})
#: ``riverchief network``: the counts, a cycle's kind, a problem's kind (gis.river_network)
NETWORK_LABELS: dict[str, tuple[str, str]] = {
    "rivers": ("河流(条)", "Rivers"),
    "arcs": ("河段弧(条)", "Arcs"),
    "nodes": ("节点(个)", "Nodes"),
    "components": ("连通片(个)", "Connected pieces"),
    "outlets": ("出口(个)", "Outlets"),
    "strahler_max": ("最高 Strahler 河流级别", "Highest Strahler order"),
    "cycles": ("环(个)", "Cycles"),
    "problems": ("问题(处)", "Problems"),
    "braid": ("汊流(分汊后复合)", "braid (splits and rejoins)"),
    "loop": ("回路(水可绕行)", "loop (the water can go round)"),
    "near_miss": ("端点未接上", "end point near a line without a node"),
    "crossing_without_node": ("相交无节点", "crossing without a node"),
    "disconnected_piece": ("未连通部分", "piece not connected"),
    "digitised_upstream": ("逆流绘制", "drawn against the flow"),
    "no_line": ("无几何或长度为零", "no geometry or zero length"),
    "unknown_line_kind": ("线类型不在代码表中", "line kind not in the code list"),
    "no_rivers": ("河流图层没有线", "the rivers layer has no lines"),
}
LABELS.update({f"network.{k}": v for k, v in NETWORK_LABELS.items()})
#: The home page's key figures (:mod:`gis.dashboard`: its figure keys and statuses) and
#: the words around them, registered as ``dashboard.<key>``.
DASHBOARD_LABELS: dict[str, tuple[str, str]] = {
    "title": ("关键指标", "Key figures"),
    "river_length_km": ("县内河流总长(km)", "River length in the county (km)"),
    "coverage_pct": ("河长覆盖率", "Coverage by chiefs"),
    "unassigned_km": ("无河长河段(km)", "Unassigned (km)"),
    "patrol_compliance_pct": ("巡河达标率", "Patrol compliance"),
    "quarry_violations": ("采砂违规(项)", "Open quarry violations"),
    "sources_without_zone": ("未划定保护区水源(处)", "Sources without an official zone"),
    "status_not_checked": LABELS["not_checked"],
    "status_no_patrols": ("未导入巡河轨迹", "No patrols imported"),
    "status_not_computed": ("未计算", "Not computed"),
    "status_no_data": ("无数据", "No data"),
    "help_not_checked": (
        "本库缺少该级行政区界线，此级未核查（不代表已全覆盖）。",
        "The store lacks the boundaries this needs: not checked (this is not full coverage).",
    ),
    "help_no_patrols": ("本库没有巡河轨迹，导入后显示。", "The store has no patrol tracks yet."),
    "help_not_computed": (
        "巡河轨迹分析耗时较长：打开“巡河监管”页面分析后，此处即显示达标率。",
        "Judging the tracks takes a while: open the Patrols page once and this shows.",
    ),
    "help_no_data": ("本库没有可统计的数据。", "The store holds nothing to count here."),
    "covered_of": ("已覆盖 {a} / {b} km", "{a} of {b} km covered"),
    "unassigned_delta": ("无河长 {v} km", "{v} km unassigned"),
    "chiefs_of": ("{a} / {b} 名河长 · {p}", "{a} of {b} chiefs · {p}"),
    "quarries_of": ("涉及 {a} 个采砂场 · 截至 {d}", "at {a} quarries · as of {d}"),
    "sources_of": ("共 {a} 处水源", "of {a} sources"),
    "open_page": ("查看", "Open"),
    "as_of": ("截至 {d}", "as of {d}"),
}
LABELS.update({f"dashboard.{k}": v for k, v in DASHBOARD_LABELS.items()})
#: The river archive (一河一档, gis.dossier): its title, parts, statuses and headers.
DOSSIER_LABELS: dict[str, tuple[str, str]] = {
    "title": ("一河一档", "River dossier"),
    "sheet_river": ("{name}河长制管护图", "{name}: river-chief map"),
    "sheet_township": ("{name}河湖管护图", "{name}: rivers and their care"),
    "sheet_county": ("{name}河湖水系图", "{name}: rivers and lakes"),
    "sheet_view": ("{name}河湖管护图（局部）", "{name}: rivers and their care (detail)"),
    "atlas": ("{name}河湖水系图集", "{name}: atlas of rivers and lakes"),
    "print_map": ("打印/导出地图 (PDF)", "Print / export the map (PDF)"),
    "print_help_county": (
        "全县专题图：图名、图例、比例尺、指北针、经纬网",
        "County sheet: title, legend, scale bar, north arrow, grid",
    ),
    "print_help_township": ("本镇乡专题图", "This township's sheet"),
    "print_help_river": ("本河流专题图", "This river's sheet"),
    "print_help_view": ("打印地图当前显示的范围", "The extent the map shows now"),
    "print_view": ("打印此视图", "Print this view"),
    "print_page": ("打印地图", "Print the map"),
    "print_preview": ("打印预览", "Print preview"),
    "paper": ("纸张", "Paper"),
    "orientation": ("方向", "Orientation"),
    "orientation_landscape": ("横向", "Landscape"),
    "orientation_portrait": ("纵向", "Portrait"),
    "download_png": ("下载 PNG", "Download PNG"),
    "no_view": (
        "没有打印范围：请在任一地图左上角点“打印此视图”",
        "No extent to print: click “Print this view” at the top left of any map",
    ),
    "no_rivers": (
        "县库中没有河流：先导入河流图层",
        "The store has no rivers: import the rivers first",
    ),
    "making": ("正在生成档案…", "Making the dossier…"),
    "with_patrols": (
        "加入巡河统计(首次约需一分钟)",
        "Add patrol statistics (a minute the first time)",
    ),
    "download_html": ("下载网页版(可打印)", "Download HTML (printable)"),
    "download_pdf": ("下载 PDF", "Download PDF"),
    "pdf_unavailable": (
        "本机没有可生成 PDF 的浏览器：请下载网页版后用浏览器打印",
        "No browser here can make the PDF: download the HTML and print it from a browser",
    ),
    "made_on": ("生成日期", "Made on"),
    "made_by": ("制作单位", "Made by"),
    "office": ("{county}河长制办公室", "{county} River Chief Office"),
    "crs_note": (
        "坐标系：CGCS2000 (EPSG:4490)；长度按高斯-克吕格投影量算",
        "Coordinates: CGCS2000 (EPSG:4490); lengths measured in Gauss-Krüger",
    ),
    "sources": ("数据来源：县级河长制数据库 {store}", "Data: county store {store}"),
    "masked": ("电话已隐去中间四位(访客版)", "Phones masked (visitor copy)"),
    "part_base": ("基本情况", "Base sheet"),
    "part_maps": ("河流总图与分段图", "Overview and stretch maps"),
    "part_reaches": ("河段与各级河长", "Reaches and their chiefs"),
    "part_chiefs": ("河长名单", "Chiefs"),
    "part_points": ("沿河设施与公示牌(按桩号)", "Points of interest (by chainage)"),
    "part_zones": ("饮用水水源保护区", "Drinking-water protection zones"),
    "part_quarries": ("沿河采砂场", "Sand quarries on the river"),
    "part_gaps": ("管护空白与问题(空白分析)", "Coverage gaps and findings"),
    "part_plan": ("一河一策", "River plan (一河一策)"),
    "part_patrols": ("巡河情况", "Patrols"),
    "part_events": ("问题与处理", "Problems and their handling"),
    "part_events_attention": (
        "需关注的问题(逾期、未办结、退回或较重大)",
        "Problems to act on (overdue, open, sent back or serious)",
    ),
    "part_water_quality": ("水质断面", "Water-quality sections"),
    "part_freshness": ("数据更新情况", "Data freshness"),
    "status_patrols_not_computed": (
        "未计算：生成档案时未给出巡河时段(巡河情况需先评估该时段的轨迹)",
        "Not computed: no patrol period was given (patrols need the tracks of a period assessed)",
    ),
    "status_layer_unknown": (
        "本系统尚无该类数据(未检查)",
        "This system has no such layer yet (not checked)",
    ),
    "status_no_data": (
        "县库中尚无该类数据(未导入，未检查)",
        "The store has no rows of this layer (not imported, not checked)",
    ),
    "status_no_plan_layer": (
        "县库中尚无一河一策清单(未导入，未检查)",
        "The store has no 一河一策 items (not imported, not checked)",
    ),
    "status_no_plan": ("已检查：该河尚无一河一策清单", "Checked: this river has no 一河一策 items"),
    "none_found": ("已检查，无", "Checked: none"),
    "no_record": ("未记录", "not recorded"),
    "river_name": ("河流名称", "River"),
    "management_level": ("管理级别", "Managed at"),
    "in_register": ("列入名录", "In the register"),
    "length_km": ("河流长度(km)", "Length (km)"),
    "townships": ("流经镇乡", "Townships crossed"),
    "villages": ("流经村(个)", "Villages crossed"),
    "reaches": ("河段(段)", "Reaches"),
    "yes": ("是", "yes"),
    "no": ("否", "no"),
    "overview_map": ("河流总图", "Overview map"),
    "stretch_map": ("{township}段", "{township} stretch"),
    "map_legend": (
        "图例：蓝线 本河；粗紫线 缺河长河段；棕线 镇乡界；圆点 公示牌、水源、采砂场、涉河建筑物",
        "Legend: blue line the river; thick purple reaches lacking a chief; "
        "brown lines township boundaries; dots signboards, sources, quarries, structures",
    ),
    "plan_done": (
        "任务与措施 {done}/{items} 项已完成({pct}%)，逾期 {overdue} 项",
        "Tasks and measures: {done}/{items} done ({pct}%), {overdue} overdue",
    ),
    "patrols_summary": (
        "巡河 {patrols} 次；从未巡河的河段 {never} 段",
        "{patrols} patrols; {never} reaches never patrolled",
    ),
    "col_from_m": ("起点(m)", "From (m)"),
    "col_to_m": ("终点(m)", "To (m)"),
    "col_village": ("所在村", "Village"),
    "col_shared_with": ("界河共管", "Shared with (boundary)"),
    "col_levels_without_chief": ("缺河长的级别", "Levels without a chief"),
    "col_name": ("名称/姓名", "Name"),
    "col_km": ("负责长度(km)", "In charge (km)"),
    "col_id": ("编号", "Id"),
    "col_offset_m": ("离河距离(m)", "Off the river (m)"),
    "col_source_name": ("水源名称", "Source"),
    "col_inside_m": ("区内河长(m)", "River inside (m)"),
    "col_violations": ("违规(项)", "Violations"),
    "col_rules": ("违反规则", "Rules broken"),
    "col_overdue": ("逾期", "Overdue"),
    "col_count": ("件数", "Events"),
    "col_on_time": ("按时办结", "On time"),
    "col_open": ("未办结", "Open"),
    "col_patrols": ("巡河次数", "Patrols"),
    "col_last_patrol": ("最近巡河", "Last patrol"),
    "col_never_patrolled": ("从未巡河", "Never patrolled"),
    "col_layer": ("数据", "Layer"),
    "col_last_import_utc": ("最近导入时间(UTC)", "Last import (UTC)"),
    "col_months": ("监测月数", "Months measured"),
    "col_worst_class": ("最差类别", "Worst class"),
    "col_chief_id": ("河长编号", "Chief"),
    "col_admin_code": ("行政区划", "Admin unit"),
}
LABELS.update({f"dossier.{k}": v for k, v in DOSSIER_LABELS.items()})

# the findings of gis.coverage (tables of Coverage.tables()), their columns and code values:
# the gaps page's tabs and table headers, and the sheets of its reports
FINDING_LABELS: dict[str, tuple[str, str]] = {
    "unassigned": LABELS["unassigned"],
    "boundary_reaches_unagreed": ("未约定的界河河段", "Boundary reaches without agreement"),
    "agreements_unmatched": (
        "无对应界河段的界河协议",
        "Boundary agreements matching no boundary reach",
    ),
    "holes": LABELS["holes"],
    "duplicates": ("重复责任", "Duplicate assignments"),
    "mismatches": ("责任与河长不符", "Assignment mismatches"),
    "orphan_chiefs": ("无责任河段的河长", "Chiefs with no reach"),
    "reservoirs_without_chief": ("无河长水库", "Reservoirs without a chief"),
    "signboard_issues": ("公示牌问题", "Signboard issues"),
    "unknown_codes": LABELS["unknown_codes"],
    "zero_coverage": LABELS["zero_coverage"],
    "level_mismatches": LABELS["level_mismatches"],
    "by_township": ("分镇乡统计", "By township"),
    "not_checked": ("未检查", "Not checked"),
}
COLUMN_LABELS: dict[str, tuple[str, str]] = {
    "reach_id": LABELS["reach_id"],
    "river_code": ("河流编码", "River code"),
    "river_name": LABELS["river"],
    "level": LABELS["level"],
    "admin_code": ("行政区划代码", "Admin code"),
    "admin_name": ("行政区", "Admin unit"),
    "shared_admin_code": ("共管行政区代码", "Shared with (code)"),
    "shared_admin_name": ("共管行政区", "Shared with"),
    "county_code": ("县代码", "County code"),
    "township_code": ("镇乡代码", "Township code"),
    "township_name": LABELS["township"],
    "from_m": ("起点桩号(m)", "From (m)"),
    "to_m": ("终点桩号(m)", "To (m)"),
    "length_m": LABELS["length_m"],
    "assignment_id": ("责任编号", "Assignment"),
    "chief_id": ("河长编号", "Chief ID"),
    "chief_ids": ("河长编号", "Chief IDs"),
    "chief_name": LABELS["chief"],
    "chief_level": ("河长级别", "Chief level"),
    "kind": ("问题类型", "Kind"),
    "detail": LABELS["detail"],
    "name": LABELS["name"],
    "reservoir_code": ("水库编码", "Reservoir code"),
    "scale": ("规模", "Scale"),
    "board_id": ("公示牌编号", "Board"),
    "field": LABELS["field"],
    "code": LABELS["code"],
    "reason": LABELS["reason"],
    "fix": LABELS["fix"],
    "unit_name": ("所在行政区", "Unit"),
    "target_code": ("责任对象编码", "Target code"),
    "target_name": ("责任对象", "Target"),
    "river_length_km": ("河流长度(km)", "River length (km)"),
    "assigned_pct_township": ("镇乡级覆盖率(%)", "Township-level covered (%)"),
    "unassigned_km_township": ("镇乡级无河长(km)", "Township-level unassigned (km)"),
    "assigned_pct_village": ("村级覆盖率(%)", "Village-level covered (%)"),
    "unassigned_km_village": ("村级无河长(km)", "Village-level unassigned (km)"),
}
#: the ``kind`` values of the mismatch and signboard findings
FINDING_KIND_WORDS: dict[str, tuple[str, str]] = {
    "unknown_chief": ("河长不在名录中", "chief not in the register"),
    "level": ("级别不符", "level differs"),
    "outside_jurisdiction": ("超出河长辖区", "outside the chief's area"),
    "no_current_chief": ("公示河长已不在任", "no current chief"),
    "stale_chief": ("公示牌信息过时", "board shows a former chief"),
    "no_signboard_nearby": ("附近无公示牌", "no signboard nearby"),
}
LABELS.update({f"finding.{k}": v for k, v in FINDING_LABELS.items()})
LABELS.update(
    {
        # Streamlit's uploader, worded by ui.chrome (its own texts are English only)
        "upload_browse": ("选择文件", "Browse files"),
        "upload_limit": (
            "拖放文件到此处，或点击选择；单个文件不超过 {mb}MB",
            "Drop a file here or browse; up to {mb} MB per file",
        ),
        "finding_kind_pick": ("问题类别", "Finding"),
        "detail.no_such_chief": ("河长名录中没有该河长", "no such chief in the register"),
        "detail.level": ("{a}河长承担了{b}责任", "a {a} chief holds a {b} assignment"),
        "detail.outside": ("{a}的河长被指派到{b}", "the chief of {a} is assigned in {b}"),
        "detail.no_current": ("该河段没有{a}河长", "the reach has no {a} chief"),
        "detail.stale": ("公示牌显示 {a}；现任：{b}", "the board shows {a}; current: {b}"),
        "detail.no_board": ("{a}：{b} 米内没有公示牌", "{a}: no board within {b} m"),
        "county_view": ("— 全县(不选河长) —", "— whole county (no chief) —"),
        "zone_conflict": ("{zone}内有{what}", "{what} inside the {zone} zone"),
        "not_placed": ("条无位置(未上图)", "rows have no place (not drawn)"),
    }
)
LABELS.update({f"col.{k}": v for k, v in COLUMN_LABELS.items()})
LABELS.update({f"finding_kind.{k}": v for k, v in FINDING_KIND_WORDS.items()})
#: The chiefs' scorecard (gis.assessment): grades, indicators, why one has no value.
ASSESS_LABELS: dict[str, tuple[str, str]] = {
    "page": ("履职考核", "Assessment"),
    "making": ("正在考核：巡河、问题办理与水质…", "Scoring: patrols, problems, water quality…"),
    "grade_excellent": ("优秀", "Excellent"),
    "grade_good": ("良好", "Good"),
    "grade_pass": ("合格", "Pass"),
    "grade_fail": ("不合格", "Fail"),
    "patrol_rate": ("巡河率", "Patrol rate"),
    "anomaly_rate": ("异常巡河率", "Suspicious-patrol rate"),
    "track_coverage": ("轨迹覆盖率", "Track coverage"),
    "reports_per_10km": ("每十公里上报问题数", "Problems reported per 10 km"),
    "on_time_rate": ("按时办结率", "Resolved on time"),
    "water_quality": ("水质达标率", "Water quality at target"),
    "patrol_frequency": ("巡河频率", "Patrol frequency"),
    "lower_compliance": ("下级河长巡河达标率", "Lower chiefs' patrols"),
    "water_trend": ("水质较基准年变化(类)", "Classes gained on the base year"),
    "signboards_current": ("公示牌信息准确率", "Signboards current"),
    "plan_done": ("一河一策任务按期完成率", "River-plan tasks on time"),
    "no_base_year": ("断面无基准年类别", "no base-year class"),
    "no_plan_layer": ("未导入一河一策任务", "no river-plan tasks imported"),
    "no_signboard_layer": ("未导入公示牌", "no signboards imported"),
    "no_boards": ("责任河段无公示牌", "no signboard on the rivers"),
    "no_lower_chiefs": ("无下级河长", "no lower chiefs"),
    "km": ("责任河长(公里)", "km held"),
    "stretches": ("责任河流数", "rivers held"),
    "boundary_reaches": ("界河河段数", "boundary reaches"),
    "problems_per_km": ("他人上报问题(件/公里)", "problems others reported per km"),
    "lower_chiefs": ("下级河长人数", "lower chiefs"),
    "span_km": ("沿河跨度(公里)", "span along the rivers (km)"),
    "index": ("工作量指数", "Workload index"),
    "workload": ("工作量", "Workload"),
    "fairness": ("公平性：得分与工作量的相关系数", "Fairness: correlation of score with workload"),
    "chiefs": ("河长人数", "chiefs"),
    "no_river": ("无河段(不计)", "no river stretch (left out)"),
    "r_index": ("与工作量指数 r", "r with workload index"),
    "r_km": ("与河长 r", "r with km"),
    "r_index_plain": ("未归一化：与工作量指数 r", "unnormalised: r with workload index"),
    "r_km_plain": ("未归一化：与河长 r", "unnormalised: r with km"),
    "fair": ("相关系数在±0.2以内", "r within ±0.2"),
    "mean_total": ("平均分", "Mean score"),
    "ungraded": ("未评等级", "ungraded"),
    "by_township": ("各乡镇考核情况", "By township"),
    "total_measured": ("申诉前总分", "Total before appeals"),
    "grade_measured": ("申诉前等级", "Grade before appeals"),
    "raw_measured": ("申诉前实际值", "Value before appeals"),
    "score_measured": ("申诉前得分", "Score before appeals"),
    "appeal_id": ("申诉编号", "Appeal"),
    "decision": ("审核结论", "Decision"),
    "problem": ("未采用原因", "Not applied because"),
    "not_scored": ("该河长无此考核指标", "not an indicator of the chief"),
    "no_value_after": ("支持申诉但未填核定值", "upheld without a value"),
    "evidence_plans": ("本期到期一河一策任务", "River-plan tasks due"),
    "evidence_appeals": ("本期申诉", "Appeals of the period"),
    "bulletin": ("考核通报", "Assessment bulletin"),
    "chiefs_sheet": ("河长考核结果", "Chiefs"),
    "indicators_sheet": ("指标明细", "Indicators"),
    "rules_sheet": ("考核规则", "Rules"),
    "fairness_sheet": ("公平性", "Fairness"),
    "download_bulletin": ("下载考核通报(Excel)", "Download the bulletin (Excel)"),
    "none_required": ("本期无巡河要求", "no patrol required"),
    "no_patrols": ("本期未巡河", "no patrols"),
    "no_valid_patrols": ("本期无有效巡河", "no valid patrols"),
    "no_assignment": ("无责任河段", "no assigned stretch"),
    "none_due": ("本期无到期问题", "no problem due"),
    "no_sections": ("责任河段无水质断面", "no section on the stretch"),
    "no_events_layer": ("未导入问题事件", "no events imported"),
    "total": ("总分", "Total"),
    "grade": ("等级", "Grade"),
    "capped_by": ("一票否决事件", "Veto by incident"),
    "indicator": ("指标", "Indicator"),
    "raw": ("实际值", "Value"),
    "score": ("得分", "Score"),
    "weight": ("权重", "Weight"),
    "basis": ("计算依据", "Counted"),
    "definition": ("定义", "Definition"),
    "pick_chief": ("查看河长", "Chief"),
    "evidence_patrols": ("本期巡河", "Patrols of the period"),
    "evidence_events": ("本期到期问题", "Problems due in the period"),
    "evidence_sections": ("水质断面月度结果", "Section months"),
    "grades_by_level": ("各级河长考核等级", "Grades by level"),
    "on_time": ("按时办结", "on time"),
    "valid": ("有效", "valid"),
    "flags": ("异常", "flags"),
    "staff_only": (
        "履职考核结果仅工作人员登录后可见。",
        "Assessment results are shown to signed-in staff only.",
    ),
    "patrol_id": ("巡河编号", "Patrol"),
    "start": ("开始时间", "Started"),
    "meets": ("达标", "At target"),
    "month": ("月份", "Month"),
}
LABELS.update({f"assess.{k}": v for k, v in ASSESS_LABELS.items()})
# keys of the faces that show the same words as another key: one pair, two names
LABELS.update(
    {
        "page_zones": LABELS["protection_zones"],
        "all_patrols": LABELS["all"],
        **{f"by_{k}": LABELS[k] for k in ("township", "river", "chief")},
    }
)
# a column heading, so capitalised: 县级 / County
LABELS.update({f"level_{k}": (zh, en.capitalize()) for k, (zh, en) in catalogue.LEVELS.items()})


def label(pair: tuple[str, str], lang: str = "zh") -> str:
    """The ``lang`` word of a ``(中文, English)`` pair (a catalogue code, layer or field).

    Examples
    --------
    >>> label(catalogue.QUARRY_STATUS["closed"], "en")
    'closed'
    """
    if lang not in LANGUAGES:
        raise UnknownNameError("language", lang, LANGUAGES)
    zh, en = pair
    return zh if lang == "zh" else en


def t(key: str, lang: str = "zh") -> str:
    """The label for ``key`` in ``lang`` ('zh' or 'en').

    Parameters
    ----------
    key : str
        A key of :data:`LABELS`.
    lang : {"zh", "en"}
        中文 by default.

    Returns
    -------
    str

    Raises
    ------
    UnknownNameError
        An unknown language or key; the message lists the valid ones.

    Examples
    --------
    >>> t("app_title"), t("app_title", "en")
    ('河长制 GIS', 'River Chief GIS')
    """
    if key not in LABELS:
        raise UnknownNameError("label", key, sorted(LABELS))
    return label(LABELS[key], lang)


def county_title(meta: dict[str, str], store_name: str, lang: str = "zh") -> str:
    """The county a store holds, as a header says it: its name and code from the store's
    meta, else its code or the store's file name marked unnamed (never blank).

    Parameters
    ----------
    meta : dict
        The store's meta (``county_name``, ``county_code``).
    store_name : str
        The store's file name, for a store that names no county.
    lang : {"zh", "en"}

    Returns
    -------
    str

    Examples
    --------
    >>> county_title({"county_name": "西湖区", "county_code": "330106"}, "x.gpkg")
    '西湖区 330106'
    >>> county_title({}, "county.gpkg"), county_title({}, "county.gpkg", "en")
    ('county(未命名)', 'county (unnamed)')
    """
    words = [str(meta.get(k) or "").strip() for k in ("county_name", "county_code")]
    if words[0]:
        return " ".join(w for w in words if w)
    stem = words[1] or (store_name.rsplit(".", 1)[0] if "." in store_name else store_name)
    unnamed = t("county_unnamed", lang)
    return f"{stem}({unnamed})" if lang == "zh" else f"{stem} ({unnamed})"


@functools.cache
def error_messages() -> dict[str, dict[str, str]]:
    """The error message table: code -> {'zh', 'en', 'zh_fix', 'en_fix'} (fixes may be '')."""
    text = resources.files("gis.rules").joinpath("messages.csv").read_text(encoding="utf-8")
    return {r["code"]: r for r in csv.DictReader(text.splitlines())}


def error_template(code: str, lang: str = "zh") -> tuple[str, str]:
    """(reason, fix) templates of error ``code`` in ``lang``; fix is '' when there is none."""
    if lang not in LANGUAGES:
        raise UnknownNameError("language", lang, LANGUAGES)
    row = error_messages().get(code)
    if row is None:
        raise UnknownNameError("error code", code, sorted(error_messages()))
    return row[lang], row[f"{lang}_fix"]


def kind_word(kind: str, lang: str = "zh") -> str:
    """The word for a kind of name ('layer', 'rule table' ...) in ``lang``; the kind itself
    when the table has none (a kind built at run time)."""
    row = error_messages().get(f"kind.{kind}")
    return row[lang] if row else kind
