"""Surname data for name standardization (DOMAIN.md §4): compound surnames, surname readings, ranks.

Pure data, read once by :mod:`.names` when it builds its lookup tables. Readings are toneless
pinyin as pypinyin writes them (``ü`` as ``v``), syllables separated by one space.

Sources: the compound list follows the 复姓 section of the 百家姓 and pinyin-pro's surname table
(unpkg.com pinyin-pro@3.19.3); the readings mozillazg/python-pinyin#297 and common dictionaries;
the ranks the MPS 2019/2020 surname rankings. Entries marked ``[U]`` are recollection, not checked
against a source — treat them as configuration.
"""

from __future__ import annotations

__all__ = ["COMPOUND_SURNAMES", "SURNAME_READINGS", "SINGLE_SURNAMES", "surname_weights"]

# Compound surnames -> reading. A name is split on one of these only when it is longer than the
# compound (欧阳娜 -> 欧阳 / 娜, but 欧阳 alone -> 欧 / 阳), the rule the task gives for 单于: it
# keeps two-character names like 单于 (单 + given 于) single-surname. Left out on purpose because the
# single surname + a common given-name character is far likelier: 贺兰 (贺 + 兰…). Three- and
# four-character Manchu clan names are included; the longest match wins.
COMPOUND_SURNAMES: dict[str, str] = {
    "欧阳": "ou yang", "司马": "si ma", "上官": "shang guan", "诸葛": "zhu ge", "尉迟": "yu chi",
    "万俟": "mo qi", "令狐": "ling hu", "慕容": "mu rong", "端木": "duan mu", "皇甫": "huang fu",
    "东方": "dong fang", "夏侯": "xia hou", "公孙": "gong sun", "司徒": "si tu", "长孙": "zhang sun",
    "宇文": "yu wen", "澹台": "tan tai", "申屠": "shen tu", "轩辕": "xuan yuan", "呼延": "hu yan",
    "独孤": "du gu", "南宫": "nan gong", "西门": "xi men", "百里": "bai li", "钟离": "zhong li",
    "单于": "chan yu", "淳于": "chun yu", "鲜于": "xian yu", "闻人": "wen ren", "赫连": "he lian",
    "濮阳": "pu yang", "第五": "di wu", "拓跋": "tuo ba", "司空": "si kong", "太史": "tai shi",
    "东郭": "dong guo", "公羊": "gong yang", "闾丘": "lv qiu", "左丘": "zuo qiu", "梁丘": "liang qiu",
    "乐正": "yue zheng", "子车": "zi ju", "仲长": "zhong chang", "夹谷": "jia gu", "褚师": "chu shi",
    "公乘": "gong sheng", "羊舌": "yang she", "宗政": "zong zheng", "公冶": "gong ye",
    "太叔": "tai shu", "仲孙": "zhong sun", "亓官": "qi guan", "司寇": "si kou", "巫马": "wu ma",
    "公西": "gong xi", "颛孙": "zhuan sun", "壤驷": "rang si", "公良": "gong liang",
    "漆雕": "qi diao", "宰父": "zai fu", "谷梁": "gu liang", "段干": "duan gan", "南门": "nan men",
    "微生": "wei sheng", "公仪": "gong yi", "公山": "gong shan", "公伯": "gong bo",
    "东里": "dong li", "东宫": "dong gong", "子桑": "zi sang", "即墨": "ji mo", "达奚": "da xi",
    "完颜": "wan yan", "纳兰": "na lan", "耶律": "ye lv", "斛律": "hu lv", "尔朱": "er zhu",
    "胡母": "hu mu",  # [U] also written 胡毋
    "沮渠": "ju qu", "钮祜禄": "niu hu lu", "爱新觉罗": "ai xin jue luo", "叶赫那拉": "ye he na la",
}

# Single-character surnames whose reading as a surname is not pypinyin's first reading (DOMAIN §4),
# plus some where pypinyin agrees but the reading is worth pinning (燕 任 华); compound surnames
# carry their readings in COMPOUND_SURNAMES.
SURNAME_READINGS: dict[str, str] = {
    "单": "shan", "曾": "zeng", "解": "xie", "仇": "qiu", "区": "ou", "翟": "zhai", "朴": "piao",
    "查": "zha", "乐": "yue", "缪": "miao", "覃": "qin", "盖": "ge", "秘": "bi", "种": "chong",
    "燕": "yan", "任": "ren", "华": "hua", "长": "chang", "都": "du", "薄": "bo", "隗": "wei",
    "宓": "mi", "召": "shao", "祭": "zhai", "么": "yao", "炅": "gui", "乜": "nie", "佴": "nai",
    "朝": "chao", "藏": "zang", "重": "chong", "句": "gou", "员": "yun", "能": "nai", "繁": "po",
    "卜": "bu", "阚": "kan", "贲": "ben", "折": "she", "莘": "shen", "尉": "wei", "柏": "bai",
    "沈": "shen", "叶": "ye", "石": "shi", "车": "che", "殷": "yin", "牟": "mou",  # 牟 [U]: mu locally
    "洗": "xian",  # [U] variant of 冼
    "蔚": "yu",  # [U] Yù as a surname; Wèi also occurs
    "郇": "xun", "角": "jue",  # [U]
    "盛": "sheng", "冯": "feng", "红": "hong", "宿": "su", "臧": "zang", "隽": "juan", "逄": "pang",
    "强": "qiang", "曲": "qu", "褚": "chu", "谌": "chen", "眭": "sui", "和": "he",
}

# Single-character surnames, most frequent first, with approximate shares in percent for the top 100
# (MPS 2019/2020 rankings, rounded); the tail is in rough rank order and gets decreasing weights in
# surname_weights() [U]. Used to guess which word of a Latin-letter name is the surname.
_TOP100 = (
    ("王", 7.12), ("李", 7.00), ("张", 6.74), ("刘", 5.38), ("陈", 4.53), ("杨", 3.08), ("黄", 2.50),
    ("赵", 2.29), ("吴", 2.05), ("周", 1.90), ("徐", 1.33), ("孙", 1.30), ("马", 1.22), ("朱", 1.21),
    ("胡", 1.14), ("郭", 1.10), ("何", 1.03), ("林", 0.98), ("高", 0.96), ("罗", 0.86), ("郑", 0.76),
    ("梁", 0.73), ("谢", 0.62), ("宋", 0.61), ("唐", 0.60), ("许", 0.57), ("韩", 0.56), ("邓", 0.55),
    ("冯", 0.54), ("曹", 0.53), ("彭", 0.51), ("曾", 0.49), ("肖", 0.48), ("田", 0.46), ("董", 0.45),
    ("潘", 0.42), ("袁", 0.42), ("蔡", 0.41), ("蒋", 0.41), ("余", 0.40), ("于", 0.39), ("杜", 0.38),
    ("叶", 0.38), ("程", 0.37), ("魏", 0.36), ("苏", 0.36), ("吕", 0.35), ("丁", 0.34), ("任", 0.33),
    ("卢", 0.32), ("姚", 0.32), ("沈", 0.31), ("钟", 0.31), ("姜", 0.30), ("崔", 0.30), ("谭", 0.29),
    ("陆", 0.29), ("范", 0.28), ("汪", 0.28), ("廖", 0.27), ("石", 0.27), ("金", 0.26), ("韦", 0.26),
    ("贾", 0.25), ("夏", 0.25), ("付", 0.25), ("方", 0.24), ("邹", 0.24), ("熊", 0.23), ("白", 0.23),
    ("孟", 0.22), ("秦", 0.22), ("邱", 0.22), ("侯", 0.21), ("江", 0.21), ("尹", 0.20), ("薛", 0.20),
    ("闫", 0.20), ("段", 0.19), ("雷", 0.19), ("龙", 0.18), ("黎", 0.18), ("史", 0.18), ("陶", 0.17),
    ("贺", 0.17), ("毛", 0.17), ("郝", 0.16), ("顾", 0.16), ("龚", 0.16), ("邵", 0.15), ("万", 0.15),
    ("覃", 0.15), ("武", 0.15), ("钱", 0.14), ("戴", 0.14), ("严", 0.14), ("莫", 0.13), ("孔", 0.13),
    ("向", 0.13), ("常", 0.13),
)
_TAIL = (
    "汤康易乔赖文施洪辛柯庄傅温牛樊葛邢安齐伍庞颜倪聂章鲁岳翟殷詹申耿关兰焦俞左柳甘祝包宁尚符舒阮纪梅"
    "童凌毕单季裴霍涂成苗谷盛曲翁冉骆蓝路游靳欧管柴蒙鲍华喻祁蒲房滕屈饶解牟艾尤阳时穆农司卓古吉缪简车"
    "项连芦麦褚娄窦戚岑景党宫费卜冷晏席卫米柏宗瞿桂全佟应臧闵苟邬边卞姬师和仇栾隋商刁沙荣巫寇桑郎甄丛"
    "仲虞敖巩明佘池查麻苑迟邝官封谈匡鞠惠荆乐冀郁胥南班储原萧栗燕楚鄢劳谌奚皮粟冼蔺楼盘满闻位厉伊仝区"
    "郜海阚花权强帅屠豆朴盖练廉禹井祖漆巴丰支卿国狄平计索宣晋相初门云容敬来扈晁芮都普阙浦戈伏鹿薄邸雍"
    "辜羊母裘亓修邰赫杭况那宿鲜印逯隆茹诸战慕危玉银亢嵇公哈湛宾戎勾茅利於呼居揭干但尉冶斯元束檀衣信展"
    "阴昝智幸奉植衡富尧闭由后逄钮暴訾隗郗宓蒯綦黑么仉禚笪厍佴阎秘种召祭乜炅能繁句员贲莘郇眭隽"
)
SINGLE_SURNAMES: tuple[str, ...] = tuple(s for s, _ in _TOP100) + tuple(dict.fromkeys(c for c in _TAIL if c not in dict(_TOP100)))


def surname_weights() -> dict[str, float]:
    """Surname -> approximate share in percent: the top 100 as listed, the tail decaying from 0.12
    to 0.0005 by rank [U]; compounds get 0.002 each (欧阳 0.07)."""
    out = dict(_TOP100)
    tail = [s for s in SINGLE_SURNAMES if s not in out]
    for k, s in enumerate(tail):
        out[s] = 0.12 * (0.0005 / 0.12) ** (k / max(1, len(tail) - 1))
    for s in COMPOUND_SURNAMES:
        out[s] = 0.07 if s == "欧阳" else 0.002
    return out
