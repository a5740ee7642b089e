"""The layer catalogue: every layer and table of a county store, its fields and code lists.

This module is the single source of layer and field names. ``layers/README.md`` is the
user-facing version of the same content (tests check they agree).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from gis._errors import UnknownNameError

# Code lists: code -> (中文, English).
#: Chief and river management levels, top down (DOMAIN §1: 省, 市, 县, 乡/镇/街道, 村/社区).
#: A county store has polygons from the county down; province and city are named by code.
LEVELS = {
    "province": ("省级", "province"),
    "city": ("市级", "city"),
    "county": ("县级", "county"),
    "township": ("镇乡级", "township"),
    "village": ("村级", "village"),
}
#: The chief (and river management) levels, top down: the one statement of this order.
CHIEF_LEVELS: tuple[str, ...] = tuple(LEVELS)
ADMIN_LEVELS = {
    "province": ("省", "province"),
    "city": ("地级市", "prefecture city"),
    "county": ("县", "county"),
    "township": ("镇乡", "township"),
    "village": ("村", "village"),
}
RESERVOIR_SCALES = {
    "large": ("大型", "large"),
    "medium": ("中型", "medium"),
    "small1": ("小(1)型", "small (1)"),
    "small2": ("小(2)型", "small (2)"),
}
SOURCE_TYPES = {
    "river": ("河流型", "river"),
    "reservoir": ("湖库型", "reservoir"),
    "groundwater": ("地下水型", "groundwater"),
}
ZONE_LEVELS = {
    "level1": ("一级保护区", "level 1"),
    "level2": ("二级保护区", "level 2"),
    "quasi": ("准保护区", "quasi"),
}
ZONE_ORIGINS = {"official": ("已批复", "official"), "proposed": ("建议划定", "proposed")}
STRUCTURE_KINDS = {
    "bridge": ("桥梁", "bridge"),
    "dam": ("大坝", "dam"),
    "sluice": ("水闸", "sluice"),
    "gauging_station": ("水文站", "gauging station"),
    "ferry": ("渡口", "ferry"),
    "intake": ("取水口", "intake"),
}
BRIDGE_TYPES = {"road": ("公路桥", "road"), "rail": ("铁路桥", "rail")}
BRIDGE_CLASSES = {
    "extra_large": ("特大桥", "extra-large"),
    "large": ("大桥", "large"),
    "medium": ("中桥", "medium"),
    "small": ("小桥", "small"),
}
QUARRY_STATUS = {
    "operating": ("开采中", "operating"),
    "suspended": ("停采", "suspended"),
    "closed": ("已关停", "closed"),
    "unlicensed": ("无证", "unlicensed"),
}
MINING_ZONE_KINDS = {
    "permitted": ("可采区", "permitted"),
    "prohibited": ("禁采区", "prohibited"),
    "reserved": ("保留区", "reserved"),
}
#: What a line of the rivers layer is. Only rivers count in inventories (lengths, counts);
#: waterbody lines (lake/reservoir centre-lines, shorelines) and unnamed connectors join
#: the network; coastlines are not flowlines at all (the sea's edge, where outlets end).
LINE_KINDS = {
    "river": ("河流", "river"),
    "waterbody": ("湖库水面线", "waterbody line"),
    "connector": ("连通段", "connector"),
    "coastline": ("海岸线", "coastline"),
}
#: Fields of the rivers layer required of rivers only: a waterbody line, a connector or a
#: coastline may leave them empty (it has no river name, level or register entry).
RIVER_ONLY_FIELDS = ("name", "management_level", "in_register")
TARGET_TYPES = {"river": ("河流", "river"), "reservoir": ("水库", "reservoir")}
#: The five lists of a 一河一策 plan (ASSESSMENT.md §3), in the plan's order.
PLAN_LISTS = {
    "problem": ("问题清单", "problems"),
    "target": ("目标清单", "targets"),
    "task": ("任务清单", "tasks"),
    "measure": ("措施清单", "measures"),
    "duty": ("责任清单", "duties"),
}
PLAN_STATUS = {
    "not_started": ("未开始", "not started"),
    "in_progress": ("推进中", "in progress"),
    "done": ("已完成", "done"),
}
#: Problems found on rivers (issue 17; the 四乱 and the usual register words).
EVENT_TYPES = {
    "occupation": ("乱占", "occupation"),
    "illegal_mining": ("乱采", "illegal mining"),
    "dumping": ("乱堆", "dumping"),
    "illegal_building": ("乱建", "illegal building"),
    "outfall": ("排污口", "outfall"),
    "garbage": ("垃圾", "garbage"),
    "water_quality": ("水质异常", "water quality anomaly"),
    "signboard": ("河长公示牌问题", "signboard problem"),
    "other": ("其他", "other"),
}
EVENT_SOURCES = {
    "patrol": ("巡河发现", "found on patrol"),
    "public": ("群众投诉", "public complaint"),
    "inspection": ("督查暗访", "inspection"),
    "higher": ("上级交办", "assigned by higher level"),
}
#: Status of a problem, in the order of its handling (登记 -> 交办 -> 承办 -> 办结 -> 归档).
EVENT_STATUS = {
    "registered": ("登记", "registered"),
    "assigned": ("交办", "assigned"),
    "accepted": ("承办", "accepted"),
    "resolved": ("办结", "resolved"),
    "returned": ("审核退回", "returned on review"),
    "archived": ("归档", "archived"),
}
EVENT_SEVERITY = {
    "general": ("一般", "general"),
    "major": ("重大", "major"),
    "extra_major": ("特大", "extra major"),
}
#: Surface water classes of GB 3838-2002, ordered best -> worst.
WATER_CLASSES = {
    "I": ("Ⅰ类", "class I"),
    "II": ("Ⅱ类", "class II"),
    "III": ("Ⅲ类", "class III"),
    "IV": ("Ⅳ类", "class IV"),
    "V": ("Ⅴ类", "class V"),
    "worse_V": ("劣Ⅴ类", "worse than class V"),
}
SECTION_KINDS = {
    "national": ("国控", "national"),
    "provincial": ("省控", "provincial"),
    "city": ("市控", "city"),
    "county": ("县控", "county"),
}
#: Decisions on an appeal against an assessment indicator (申诉, issue 17 item 4).
APPEAL_DECISIONS = {
    "pending": ("待审", "pending"),
    "upheld": ("支持", "upheld"),
    "partial": ("部分支持", "partly upheld"),
    "rejected": ("驳回", "rejected"),
}
COORD_SYSTEMS = {
    "wgs84": ("WGS84", "WGS84"),
    "cgcs2000": ("CGCS2000", "CGCS2000"),
    "gcj02": ("GCJ-02 火星坐标", "GCJ-02"),
    "bd09": ("BD-09 百度坐标", "BD-09"),
}

DTYPES = ("str", "int", "float", "bool", "date", "datetime")


@dataclass(frozen=True)
class Field:
    """One attribute of a layer."""

    name: str
    dtype: str
    required: bool
    zh: str
    en: str
    codes: dict[str, tuple[str, str]] | None = None

    def __post_init__(self) -> None:
        if self.dtype not in DTYPES:
            raise ValueError(f"field {self.name}: dtype must be one of {DTYPES}")


@dataclass(frozen=True)
class Layer:
    """One layer (geometry is not None) or attribute table (geometry is None)."""

    name: str
    geometry: str | None
    key: str
    zh: str
    en: str
    fields: tuple[Field, ...]
    example: dict[str, object] = field(default_factory=dict)

    @property
    def field_names(self) -> list[str]:
        """The fields' names, in the catalogue's order.

        Returns
        -------
        list of str
        """
        return [f.name for f in self.fields]

    def field(self, name: str) -> Field:
        """The field called ``name``; UnknownNameError lists the layer's fields.

        Parameters
        ----------
        name : str

        Returns
        -------
        Field
        """
        for f in self.fields:
            if f.name == name:
                return f
        raise UnknownNameError(f"field of layer {self.name}", name, self.field_names)


def _f(
    name: str,
    dtype: str,
    required: bool,
    zh: str,
    en: str,
    codes: dict[str, tuple[str, str]] | None = None,
) -> Field:
    return Field(name, dtype, required, zh, en, codes)


LAYERS: tuple[Layer, ...] = (
    Layer(
        "admin_units",
        "MultiPolygon",
        "admin_code",
        "行政区划",
        "Admin units: county, townships and villages",
        (
            _f(
                "admin_code",
                "str",
                True,
                "行政区划代码",
                "GB/T 2260-style code: XX0000 province, XXYY00 city, XXYYZZ county, "
                "9 digits township, 12 village",
            ),
            _f("name", "str", True, "名称", "name"),
            _f("level", "str", True, "级别", "level", ADMIN_LEVELS),
            _f("parent_code", "str", False, "上级代码", "code of the unit it belongs to"),
        ),
        {"admin_code": "512099101", "name": "青龙镇", "level": "township", "parent_code": "512099"},
    ),
    Layer(
        "rivers",
        "LineString",
        "river_code",
        "河流",
        "Rivers, digitised from source to mouth",
        (
            _f("river_code", "str", True, "河流编码", "river code"),
            _f("name", "str", True, "河流名称", "river name"),
            _f("management_level", "str", True, "管理级别", "level that manages the river", LEVELS),
            _f(
                "in_register",
                "bool",
                True,
                "列入名录",
                "in the provincial/municipal/county register (名录)",
            ),
            _f(
                "flows_into",
                "str",
                False,
                "汇入河流",
                "code of the river it joins; empty where it leaves the county",
            ),
            _f(
                "line_kind",
                "str",
                False,
                "线类型",
                "river (default), waterbody line, connector or coastline",
                LINE_KINDS,
            ),
        ),
        {
            "river_code": "512099R001",
            "name": "清江",
            "management_level": "county",
            "in_register": True,
            "flows_into": None,
        },
    ),
    Layer(
        "reservoirs",
        "MultiPolygon",
        "reservoir_code",
        "水库",
        "Reservoirs at normal water level",
        (
            _f("reservoir_code", "str", True, "水库编码", "reservoir code"),
            _f("name", "str", True, "水库名称", "name"),
            _f("scale", "str", True, "规模", "scale class by storage", RESERVOIR_SCALES),
            _f("storage_m3", "float", True, "总库容(m³)", "storage in cubic metres"),
            _f("normal_level_m", "float", False, "正常蓄水位(m)", "normal water level, metres"),
            _f("river_code", "str", False, "所在河流", "river it dams"),
        ),
        {
            "reservoir_code": "512099K001",
            "name": "白鹤水库",
            "scale": "medium",
            "storage_m3": 1.52e7,
            "normal_level_m": 412.0,
            "river_code": "512099R007",
        },
    ),
    Layer(
        "water_sources",
        "Point",
        "source_code",
        "饮用水水源",
        "Drinking-water sources (intakes and wells)",
        (
            _f("source_code", "str", True, "水源编码", "source code"),
            _f("name", "str", True, "水源名称", "name"),
            _f("source_type", "str", True, "水源类型", "type", SOURCE_TYPES),
            _f("population_served", "int", True, "供水人口", "people served"),
            _f(
                "has_official_zone",
                "bool",
                True,
                "已划定保护区",
                "an official protection zone exists",
            ),
            _f("supply_m3_per_day", "float", False, "日供水量(m³/d)", "abstraction per day"),
            _f("river_code", "str", False, "所在河流", "river, for river-type sources"),
            _f("reservoir_code", "str", False, "所在水库", "reservoir, for reservoir-type sources"),
        ),
        {
            "source_code": "512099S001",
            "name": "青龙镇水厂",
            "source_type": "river",
            "population_served": 8200,
            "has_official_zone": True,
        },
    ),
    Layer(
        "protection_zones",
        "MultiPolygon",
        "zone_id",
        "水源保护区",
        "Drinking-water-source protection zones",
        (
            _f("zone_id", "str", True, "保护区编号", "zone id"),
            _f("source_code", "str", True, "水源编码", "source the zone protects"),
            _f("level", "str", True, "级别", "level", ZONE_LEVELS),
            _f("origin", "str", True, "来源", "official or proposed", ZONE_ORIGINS),
            _f("rule", "str", False, "依据", "rule set used"),
            _f("notes", "str", False, "备注", "notes"),
        ),
        {
            "zone_id": "512099S001-L1",
            "source_code": "512099S001",
            "level": "level1",
            "origin": "official",
        },
    ),
    Layer(
        "structures",
        "Point",
        "structure_id",
        "涉河建筑物",
        "Structures: bridges, dams, sluices, gauging stations, ferries, intakes",
        (
            _f("structure_id", "str", True, "编号", "structure id"),
            _f("kind", "str", True, "类型", "kind", STRUCTURE_KINDS),
            _f("name", "str", True, "名称", "name"),
            _f("river_code", "str", False, "所在河流", "river"),
            _f("bridge_type", "str", False, "桥梁类别", "road or rail (bridges)", BRIDGE_TYPES),
            _f("bridge_class", "str", False, "桥梁等级", "class (road bridges)", BRIDGE_CLASSES),
            _f("length_m", "float", False, "长度(m)", "length (bridges), metres"),
        ),
        {
            "structure_id": "512099B001",
            "kind": "bridge",
            "name": "清江大桥",
            "river_code": "512099R001",
            "bridge_type": "road",
            "bridge_class": "large",
            "length_m": 320.0,
        },
    ),
    Layer(
        "quarries",
        "Point",
        "quarry_id",
        "采砂场",
        "Sand quarries",
        (
            _f("quarry_id", "str", True, "编号", "quarry id"),
            _f("name", "str", True, "名称", "name"),
            _f("permit_no", "str", False, "采砂许可证号", "mining permit number; empty if none"),
            _f("permit_valid_from", "date", False, "许可起始", "permit valid from"),
            _f("permit_valid_to", "date", False, "许可截止", "permit valid to"),
            _f("status", "str", True, "状态", "status", QUARRY_STATUS),
            _f("closure_date", "date", False, "关停日期", "date a closure was ordered"),
            _f("has_weighbridge", "bool", True, "地磅", "weighbridge installed"),
            _f("has_video", "bool", True, "视频监控", "video surveillance installed"),
            _f("river_code", "str", False, "所在河流", "river"),
        ),
        {
            "quarry_id": "512099Q001",
            "name": "清江1号砂场",
            "permit_no": "川采砂(2025)001",
            "status": "operating",
            "has_weighbridge": True,
            "has_video": True,
        },
    ),
    Layer(
        "mining_zones",
        "MultiPolygon",
        "zone_id",
        "采砂分区",
        "Sand-mining plan zones",
        (
            _f("zone_id", "str", True, "分区编号", "zone id"),
            _f("kind", "str", True, "分区类型", "kind", MINING_ZONE_KINDS),
            _f("river_code", "str", True, "所在河流", "river"),
            _f("from_m", "float", False, "起点桩号(m)", "start chainage, metres"),
            _f("to_m", "float", False, "终点桩号(m)", "end chainage, metres"),
            _f(
                "closed_season_start", "str", False, "禁采期起(MM-DD)", "closed season start, MM-DD"
            ),
            _f("closed_season_end", "str", False, "禁采期止(MM-DD)", "closed season end, MM-DD"),
        ),
        {
            "zone_id": "512099M001",
            "kind": "permitted",
            "river_code": "512099R001",
            "from_m": 5064.0,
            "to_m": 5420.0,
            "closed_season_start": "06-01",
            "closed_season_end": "09-30",
        },
    ),
    Layer(
        "management_ranges",
        "MultiPolygon",
        "range_id",
        "河道管理范围",
        "River management ranges (划界成果)",
        (
            _f("range_id", "str", True, "编号", "range id"),
            _f("river_code", "str", True, "所在河流", "river"),
            _f("source", "str", False, "划界依据", "survey or document"),
        ),
        {
            "range_id": "512099G001",
            "river_code": "512099R001",
            "source": "县河道管理范围划界成果(示例)",
        },
    ),
    Layer(
        "signboards",
        "Point",
        "board_id",
        "河长公示牌",
        "River-chief signboards",
        (
            _f("board_id", "str", True, "编号", "board id"),
            _f(
                "placed_by",
                "str",
                True,
                "设立层级",
                "who put it up",
                {"county": ("县级", "county"), "township": ("镇乡", "township")},
            ),
            _f("river_code", "str", False, "河流", "river"),
            _f("reservoir_code", "str", False, "水库", "reservoir"),
            _f("admin_code", "str", False, "行政区划", "admin unit of the reach"),
            _f("chief_name", "str", True, "公示河长", "chief named on the board"),
            _f("chief_phone", "str", True, "公示电话", "phone shown on the board"),
        ),
        {
            "board_id": "512099P001",
            "placed_by": "county",
            "river_code": "512099R001",
            "admin_code": "512099",
            "chief_name": "王建国",
            "chief_phone": "100-0000-0001",
        },
    ),
    Layer(
        "chiefs",
        None,
        "chief_id",
        "河长",
        "River chiefs and patrollers",
        (
            _f("chief_id", "str", True, "河长编号", "chief id"),
            _f("name", "str", True, "姓名", "name"),
            _f("level", "str", True, "级别", "level", LEVELS),
            _f("post", "str", True, "职务", "post"),
            _f("phone", "str", False, "联系电话", "phone"),
            _f(
                "admin_code",
                "str",
                True,
                "所辖区划",
                "jurisdiction: the admin unit the chief belongs to",
            ),
        ),
        {
            "chief_id": "512099C001",
            "name": "王建国",
            "level": "county",
            "post": "县委书记",
            "phone": "100-0000-0001",
            "admin_code": "512099",
        },
    ),
    Layer(
        "assignments",
        None,
        "assignment_id",
        "河长责任",
        "Chief X is responsible for river R (or reservoir) within admin unit A at level L",
        (
            _f("assignment_id", "str", True, "编号", "assignment id"),
            _f("chief_id", "str", True, "河长编号", "chief"),
            _f("level", "str", True, "级别", "level", LEVELS),
            _f("target_type", "str", True, "对象类型", "river or reservoir", TARGET_TYPES),
            _f("river_code", "str", False, "河流编码", "river"),
            _f("reservoir_code", "str", False, "水库编码", "reservoir"),
            _f("admin_code", "str", True, "行政区划", "admin unit the responsibility lies in"),
            _f(
                "shared_admin_code",
                "str",
                False,
                "共管区划",
                "other unit, for an agreed boundary reach (界河)",
            ),
            _f(
                "from_m",
                "float",
                False,
                "起点桩号(m)",
                "start chainage from the source; empty for the whole river in the unit",
            ),
            _f("to_m", "float", False, "终点桩号(m)", "end chainage"),
        ),
        {
            "assignment_id": "512099A0001",
            "chief_id": "512099C001",
            "level": "county",
            "target_type": "river",
            "river_code": "512099R001",
            "admin_code": "512099",
        },
    ),
    Layer(
        "plan_items",
        None,
        "item_id",
        "一河一策清单",
        "一河一策: the items of a river's plan, one row per problem, target, task, measure or duty",
        (
            _f("item_id", "str", True, "编号", "item id"),
            _f("river_code", "str", True, "河流编码", "river the plan is for"),
            _f("list", "str", True, "清单", "which of the five lists", PLAN_LISTS),
            _f("seq", "int", False, "序号", "order within the list"),
            _f("text", "str", True, "内容", "what the item says"),
            _f("admin_code", "str", False, "行政区划", "unit of the reach, if the item is for one"),
            _f("unit", "str", False, "责任单位", "unit responsible"),
            _f("deadline", "date", False, "完成时限", "deadline"),
            _f("status", "str", False, "完成情况", "completion", PLAN_STATUS),
            _f("completed_on", "date", False, "完成日期", "date it was done"),
            _f("plan_start", "date", False, "方案起始", "first day of the plan's period"),
            _f("plan_end", "date", False, "方案截止", "last day of the plan's period"),
        ),
        {
            "item_id": "512099Y0001",
            "river_code": "512099R001",
            "list": "task",
            "seq": 1,
            "text": "清理河道两岸乱堆垃圾",
            "unit": "县水利局",
            "deadline": "2026-12-31",
            "status": "in_progress",
            "plan_start": "2025-01-01",
            "plan_end": "2026-12-31",
        },
    ),
    Layer(
        "patrols",
        "MultiLineString",
        "patrol_id",
        "巡河记录",
        "Patrols: one track per patrol",
        (
            _f("patrol_id", "str", True, "巡河编号", "patrol id"),
            _f("chief_id", "str", True, "河长编号", "chief"),
            _f("start_time", "datetime", False, "开始时间", "start"),
            _f("end_time", "datetime", False, "结束时间", "end"),
            _f(
                "coords",
                "str",
                False,
                "原始坐标系",
                "coordinate system of the recording",
                COORD_SYSTEMS,
            ),
            _f("source_file", "str", False, "来源文件", "file the track was imported from"),
            _f("n_points", "int", False, "轨迹点数", "points recorded"),
            _f("n_kept", "int", False, "有效点数", "points kept after cleaning"),
        ),
        {
            "patrol_id": "P000001",
            "chief_id": "512099C101",
            "start_time": "2026-10-08T09:00:00",
            "coords": "gcj02",
        },
    ),
    Layer(
        "patrol_points",
        "Point",
        "point_id",
        "巡河轨迹点",
        "Patrol GPS points",
        (
            _f("point_id", "str", True, "点编号", "point id"),
            _f("patrol_id", "str", True, "巡河编号", "patrol"),
            _f("seq", "int", True, "序号", "order in the track"),
            _f("time", "datetime", False, "时间", "time"),
            _f("segment", "int", False, "分段", "track segment (split at pauses)"),
            _f("raw_lon", "float", False, "原始经度", "longitude as recorded (in coords)"),
            _f("raw_lat", "float", False, "原始纬度", "latitude as recorded (in coords)"),
            _f(
                "coords",
                "str",
                False,
                "原始坐标系",
                "coordinate system of the recording",
                COORD_SYSTEMS,
            ),
            _f("kept", "bool", False, "保留", "kept by cleaning"),
            _f(
                "issue",
                "str",
                False,
                "问题",
                "why the point was dropped, or what is wrong with its time",
            ),
        ),
        {
            "point_id": "P000001-0001",
            "patrol_id": "P000001",
            "seq": 1,
            "time": "2026-10-08T09:00:05",
        },
    ),
    Layer(
        "events",
        "Point",
        "event_id",
        "问题事件",
        "Problems found on patrol, reported by the public or by inspections",
        (
            _f("event_id", "str", True, "事件编号", "event id"),
            _f("event_type", "str", True, "问题类型", "event type", EVENT_TYPES),
            _f("source", "str", True, "问题来源", "source", EVENT_SOURCES),
            _f("severity", "str", True, "严重程度", "severity", EVENT_SEVERITY),
            _f("river_code", "str", False, "河流编码", "river code"),
            _f("chainage_m", "float", False, "桩号(米)", "chainage from the source (m)"),
            _f("admin_code", "str", False, "行政区划代码", "village or township where it lies"),
            _f("chief_id", "str", False, "责任河长编号", "chief responsible for the reach"),
            _f("reporter", "str", False, "上报人", "reporting chief id, or free text"),
            _f("patrol_id", "str", False, "巡河编号", "patrol it was found on"),
            _f("reported_at", "datetime", True, "上报时间", "reported at"),
            _f("deadline", "datetime", True, "办理时限", "handling deadline"),
            _f("status", "str", True, "办理状态", "current status", EVENT_STATUS),
            _f("resolved_at", "datetime", False, "办结时间", "resolved at"),
            _f("handling_unit", "str", False, "承办单位", "handling unit"),
            _f("description", "str", False, "问题描述", "description"),
        ),
        {
            "event_id": "EV2026070001",
            "event_type": "dumping",
            "source": "patrol",
            "severity": "general",
            "river_code": "512099R031",
            "chief_id": "C0101",
            "reported_at": "2026-07-03T10:20:00",
            "deadline": "2026-07-10T10:20:00",
            "status": "resolved",
            "resolved_at": "2026-07-08T16:00:00",
        },
    ),
    Layer(
        "event_steps",
        None,
        "step_id",
        "事件办理记录",
        "Status history of the events",
        (
            _f("step_id", "str", True, "记录编号", "step id"),
            _f("event_id", "str", True, "事件编号", "event id"),
            _f("status", "str", True, "办理状态", "status", EVENT_STATUS),
            _f("time", "datetime", True, "办理时间", "time"),
            _f("unit", "str", False, "办理单位", "unit"),
            _f("note", "str", False, "办理意见", "note"),
        ),
        {
            "step_id": "EV2026070001-1",
            "event_id": "EV2026070001",
            "status": "registered",
            "time": "2026-07-03T10:20:00",
        },
    ),
    Layer(
        "monitoring_sections",
        "Point",
        "section_id",
        "水质监测断面",
        "Water quality monitoring sections",
        (
            _f("section_id", "str", True, "断面编号", "section id"),
            _f("name", "str", True, "断面名称", "section name"),
            _f("river_code", "str", True, "河流编码", "river code"),
            _f("chainage_m", "float", False, "桩号(米)", "chainage from the source (m)"),
            _f("kind", "str", True, "断面类别", "section kind", SECTION_KINDS),
            _f("target_class", "str", True, "目标水质", "target class", WATER_CLASSES),
            _f("base_year", "int", False, "基准年", "base year"),
            _f("base_class", "str", False, "基准年水质", "class in the base year", WATER_CLASSES),
            _f("upstream_admin", "str", False, "上游行政区划", "upstream admin unit"),
            _f("downstream_admin", "str", False, "下游行政区划", "downstream admin unit"),
        ),
        {
            "section_id": "S01",
            "name": "青龙桥",
            "river_code": "512099R031",
            "kind": "county",
            "target_class": "III",
            "base_year": 2025,
            "base_class": "IV",
        },
    ),
    Layer(
        "section_measurements",
        None,
        "measurement_id",
        "断面监测结果",
        "Monthly water class of the monitoring sections",
        (
            _f("measurement_id", "str", True, "监测编号", "measurement id"),
            _f("section_id", "str", True, "断面编号", "section id"),
            _f("month", "date", True, "监测月份", "month (its first day)"),
            _f("water_class", "str", True, "水质类别", "water class", WATER_CLASSES),
            _f("note", "str", False, "备注", "note"),
        ),
        {
            "measurement_id": "S01-2026-07",
            "section_id": "S01",
            "month": "2026-07-01",
            "water_class": "IV",
        },
    ),
    Layer(
        "appeals",
        None,
        "appeal_id",
        "考核申诉",
        "Appeals against an indicator of a chief's assessment, with the decision",
        (
            _f("appeal_id", "str", True, "申诉编号", "appeal id"),
            _f("chief_id", "str", True, "河长编号", "chief"),
            _f("indicator", "str", True, "申诉指标", "indicator appealed (assessment rule table)"),
            _f("period_start", "date", True, "考核期起", "first day of the assessed period"),
            _f("period_end", "date", True, "考核期止", "last day of the assessed period"),
            _f("filed_at", "datetime", True, "申诉时间", "filed at"),
            _f("reason", "str", True, "申诉理由", "reason"),
            _f("decision", "str", True, "审核结论", "decision", APPEAL_DECISIONS),
            _f(
                "value_after",
                "float",
                False,
                "核定值",
                "the indicator's raw value the decision sets (upheld or partly upheld)",
            ),
            _f("decided_at", "datetime", False, "审核时间", "decided at"),
            _f("decided_by", "str", False, "审核人", "decided by"),
        ),
        {
            "appeal_id": "AP2026Q3001",
            "chief_id": "512099C0101",
            "indicator": "patrol_rate",
            "period_start": "2026-07-01",
            "period_end": "2026-09-30",
            "filed_at": "2026-10-10T09:00:00",
            "reason": "8月防汛封路,两次巡河改为视频巡查",
            "decision": "upheld",
            "value_after": 1.0,
            "decided_at": "2026-10-20T15:00:00",
            "decided_by": "县河长办",
        },
    ),
    Layer(
        "answer_key",
        None,
        "item_id",
        "示范数据答案",
        "Demo only: what the generator planted, for tests and training",
        (
            _f("item_id", "str", True, "编号", "item id"),
            _f("kind", "str", True, "类别", "what was planted or measured"),
            _f("layer", "str", True, "图层", "layer it concerns"),
            _f("ref_id", "str", False, "对象编号", "id of the feature or row"),
            _f("river_code", "str", False, "河流编码", "river"),
            _f("admin_code", "str", False, "行政区划", "admin unit"),
            _f("level", "str", False, "级别", "level"),
            _f("detail", "str", False, "说明", "details"),
            _f("value", "float", False, "数值", "a measured value (metres, count)"),
        ),
        {
            "item_id": "K0001",
            "kind": "unassigned_reach",
            "layer": "assignments",
            "river_code": "512099R031",
            "admin_code": "512099105",
            "level": "township",
        },
    ),
    Layer(
        "audit_log",
        None,
        "event_id",
        "操作日志",
        "Audit log: every write and login, appended by gis.audit (never imported)",
        (
            _f("event_id", "str", True, "事件编号", "event id"),
            _f("time_utc", "datetime", True, "时间(UTC)", "when, ISO 8601 in UTC"),
            _f(
                "who",
                "str",
                True,
                "操作人",
                "user name; 'visitor'; the OS user for the command line",
            ),
            _f("role", "str", True, "角色", "visitor, staff, admin, or local (command line)"),
            _f(
                "action",
                "str",
                True,
                "操作",
                "login_ok, login_failed, login_locked, import, replace, export_unmasked …",
            ),
            _f("target", "str", False, "对象", "layer or file concerned"),
            _f("rows", "int", False, "行数", "rows written or exported"),
            _f("client", "str", False, "客户端", "client address, when the app knows it"),
            _f("detail", "str", False, "说明", "details: file name, reason"),
        ),
        {
            "event_id": "E20261002T080000Z0001",
            "time_utc": "2026-10-02T08:00:00+00:00",
            "who": "wang",
            "role": "staff",
            "action": "import",
            "target": "chiefs",
            "rows": 12,
            "detail": "河长名录.xlsx",
        },
    ),
)
#: Tables only the program writes: never a target of an import.
SYSTEM_LAYERS = ("answer_key", "audit_log")
#: Tables whose writes change nothing any analysis or page shows: a write to them alone
#: leaves the store's version (the app's cache key) as it was, so a login's audit row
#: does not make every page recompute.
UNVERSIONED_LAYERS = ("audit_log",)

_BY_NAME = {layer.name: layer for layer in LAYERS}
LAYER_NAMES: tuple[str, ...] = tuple(_BY_NAME)

#: Register headers in Chinese (and common English variants) -> catalogue field or helper column.
#: Helper columns (``*_name``, ``lon``, ``lat``) are resolved against the store during import.
HEADER_SYNONYMS: dict[str, str] = {
    "姓名": "name",
    "河长姓名": "name",
    "名称": "name",
    "职务": "post",
    "职位": "post",
    "联系电话": "phone",
    "电话": "phone",
    "手机": "phone",
    "手机号码": "phone",
    "河流名称": "river_name",
    "河流": "river_name",
    "河名": "river_name",
    "河流编码": "river_code",
    "水库名称": "reservoir_name",
    "水库": "reservoir_name",
    "河长": "chief_name",
    "河段": "reach",
    "起点桩号": "from_m",
    "终点桩号": "to_m",
    "乡镇": "township_name",
    "镇乡": "township_name",
    "所在乡镇": "township_name",
    "村": "village_name",
    "村名": "village_name",
    "所在村": "village_name",
    "级别": "level",
    "河长级别": "level",
    "清单": "list",
    "清单类别": "list",
    "清单类型": "list",
    "内容": "text",
    "事项": "text",
    "具体内容": "text",
    "责任单位": "unit",
    "牵头单位": "unit",
    "完成时限": "deadline",
    "时限": "deadline",
    "完成情况": "status",
    "完成日期": "completed_on",
    "行政区划代码": "admin_code",
    "经度": "lon",
    "纬度": "lat",
    "lon": "lon",
    "lng": "lon",
    "longitude": "lon",
    "x": "lon",
    "lat": "lat",
    "latitude": "lat",
    "y": "lat",
    # events and monitoring sections (issue 17)
    "事件编号": "event_id",
    "问题编号": "event_id",
    "事件类型": "event_type",
    "问题类型": "event_type",
    "问题类别": "event_type",
    "来源": "source",
    "问题来源": "source",
    "事件来源": "source",
    "严重程度": "severity",
    "等级": "severity",
    "上报人": "reporter",
    "上报时间": "reported_at",
    "发现时间": "reported_at",
    "办理时限": "deadline",
    "办结时限": "deadline",
    "截止时间": "deadline",
    "状态": "status",
    "办理状态": "status",
    "办结时间": "resolved_at",
    "承办单位": "handling_unit",
    "办理单位": "handling_unit",
    "问题描述": "description",
    "描述": "description",
    "断面编号": "section_id",
    "断面名称": "name",
    "断面": "name",
    "断面类别": "kind",
    "断面级别": "kind",
    "水质类别": "water_class",
    "水质": "water_class",
    "目标水质": "target_class",
    "水质目标": "target_class",
    "基准年": "base_year",
    "基准年水质": "base_class",
    "监测月份": "month",
    "月份": "month",
    "上游行政区": "upstream_admin",
    "下游行政区": "downstream_admin",
}
#: Chinese level words -> level codes, for registers (the labels of :data:`LEVELS` and
#: :data:`ADMIN_LEVELS` are read as well).
LEVEL_WORDS = {
    "省": "province",
    "地市级": "city",
    "地级": "city",
    "地级市": "city",
    "县级": "county",
    "县": "county",
    "镇级": "township",
    "乡级": "township",
    "镇乡级": "township",
    "乡镇级": "township",
    "镇": "township",
    "村级": "village",
    "村": "village",
    "巡河员": "village",
    # cities: districts (区) and 街道 stand for counties and townships (DOMAIN §1)
    "区级": "county",
    "县市级": "county",
    "县区级": "county",
    "街道级": "township",
    "乡镇街道级": "township",
    "社区级": "village",
    "村社区级": "village",
    # admin unit kinds: 区/县/县级市, 镇/乡/街道, 村/社区
    "区": "county",
    "县级市": "county",
    "乡": "township",
    "镇乡": "township",
    "乡镇": "township",
    "街道": "township",
    "社区": "village",
    "村/社区": "village",
    "镇/乡/街道": "township",
}
#: Words whose level only the unit's code tells: 市级 (市) is the prefecture city's level
#: with a city code (XXYY00) and county level with a county code, in a county-level city
#: (县级市, DOMAIN §1). Without a code they are refused, never guessed
#: (:func:`gis.io.names.city_level_problems`).
CODE_DECIDES: dict[str, tuple[str, ...]] = {"市级": ("city", "county"), "市": ("city", "county")}


def header_labels(layer: Layer) -> dict[str, str]:
    """Every label the catalogue prints for ``layer``'s fields -> the field's name.

    The Chinese label (``河长编号``), the same without a unit in brackets (``起点桩号``) and
    the English label in lower case, as ``riverchief layers`` and ``layers/README.md``
    show them; a register may use any of them as a header.

    Parameters
    ----------
    layer : Layer
        The target layer.

    Returns
    -------
    dict of str to str
        Label -> field name.

    Examples
    --------
    >>> labels = header_labels(get_layer("chiefs"))
    >>> labels["河长编号"], labels["chief id"]
    ('chief_id', 'chief_id')
    """
    out: dict[str, str] = {}
    for f in layer.fields:
        for label in (f.zh, f.zh.split("(")[0], f.en.lower()):
            out.setdefault(label.strip(), f.name)
    return out


def get_layer(name: str) -> Layer:
    """The catalogue entry for ``name``; the error lists the valid names.

    Parameters
    ----------
    name : str
        One of :data:`LAYER_NAMES`.

    Returns
    -------
    Layer
        Its geometry type (None for a table), key field, names in 中文 and English, and
        fields with their types, requirement and code lists.

    Raises
    ------
    UnknownNameError
        ``name`` is not a layer of the catalogue.

    Examples
    --------
    >>> rivers = get_layer("rivers")
    >>> rivers.zh, rivers.geometry, rivers.key
    ('河流', 'LineString', 'river_code')
    >>> rivers.field_names
    ['river_code', 'name', 'management_level', 'in_register', 'flows_into', 'line_kind']
    >>> level = rivers.field("management_level")
    >>> level.zh, level.required, level.codes["township"]
    ('管理级别', True, ('镇乡级', 'township'))
    >>> get_layer("chiefs").geometry is None
    True
    """
    try:
        return _BY_NAME[name]
    except KeyError:
        raise UnknownNameError("layer", name, LAYER_NAMES) from None
