"""Hubei's 17 prefecture-level units and their county-level units, for synthetic data at province scale.

Names (Chinese and pinyin) are the real ones; prefecture admin codes are real, county codes are left
blank (not needed, and a made-up code would look authoritative). Every figure generated against these
regions is synthetic.
"""

from __future__ import annotations

# (region_id, name_zh, name_en, admin_code, [(county_id, county_zh, county_en), ...])
# Huangshi is in data/regions.csv already with its county units; it is not repeated here.
PREFECTURES: list[tuple[str, str, str, str, list[tuple[str, str, str]]]] = [
    (
        "wuhan",
        "武汉市",
        "Wuhan",
        "420100",
        [
            ("wh_jiangan", "江岸区", "Jiang'an District"),
            ("wh_jianghan", "江汉区", "Jianghan District"),
            ("wh_qiaokou", "硚口区", "Qiaokou District"),
            ("wh_hanyang", "汉阳区", "Hanyang District"),
            ("wh_wuchang", "武昌区", "Wuchang District"),
            ("wh_qingshan", "青山区", "Qingshan District"),
            ("wh_hongshan", "洪山区", "Hongshan District"),
            ("wh_dongxihu", "东西湖区", "Dongxihu District"),
            ("wh_hannan", "汉南区", "Hannan District"),
            ("wh_caidian", "蔡甸区", "Caidian District"),
            ("wh_jiangxia", "江夏区", "Jiangxia District"),
            ("wh_huangpi", "黄陂区", "Huangpi District"),
            ("wh_xinzhou", "新洲区", "Xinzhou District"),
        ],
    ),
    (
        "shiyan",
        "十堰市",
        "Shiyan",
        "420300",
        [
            ("sy_maojian", "茅箭区", "Maojian District"),
            ("sy_zhangwan", "张湾区", "Zhangwan District"),
            ("sy_yunyang", "郧阳区", "Yunyang District"),
            ("sy_yunxi", "郧西县", "Yunxi County"),
            ("sy_zhushan", "竹山县", "Zhushan County"),
            ("sy_zhuxi", "竹溪县", "Zhuxi County"),
            ("sy_fangxian", "房县", "Fang County"),
            ("sy_danjiangkou", "丹江口市", "Danjiangkou"),
        ],
    ),
    (
        "yichang",
        "宜昌市",
        "Yichang",
        "420500",
        [
            ("yc_xiling", "西陵区", "Xiling District"),
            ("yc_wujiagang", "伍家岗区", "Wujiagang District"),
            ("yc_dianjun", "点军区", "Dianjun District"),
            ("yc_xiaoting", "猇亭区", "Xiaoting District"),
            ("yc_yiling", "夷陵区", "Yiling District"),
            ("yc_yuanan", "远安县", "Yuan'an County"),
            ("yc_xingshan", "兴山县", "Xingshan County"),
            ("yc_zigui", "秭归县", "Zigui County"),
            ("yc_changyang", "长阳土家族自治县", "Changyang Tujia Autonomous County"),
            ("yc_wufeng", "五峰土家族自治县", "Wufeng Tujia Autonomous County"),
            ("yc_yidu", "宜都市", "Yidu"),
            ("yc_dangyang", "当阳市", "Dangyang"),
            ("yc_zhijiang", "枝江市", "Zhijiang"),
        ],
    ),
    (
        "xiangyang",
        "襄阳市",
        "Xiangyang",
        "420600",
        [
            ("xy_xiangcheng", "襄城区", "Xiangcheng District"),
            ("xy_fancheng", "樊城区", "Fancheng District"),
            ("xy_xiangzhou", "襄州区", "Xiangzhou District"),
            ("xy_nanzhang", "南漳县", "Nanzhang County"),
            ("xy_gucheng", "谷城县", "Gucheng County"),
            ("xy_baokang", "保康县", "Baokang County"),
            ("xy_laohekou", "老河口市", "Laohekou"),
            ("xy_zaoyang", "枣阳市", "Zaoyang"),
            ("xy_yicheng", "宜城市", "Yicheng"),
        ],
    ),
    (
        "ezhou",
        "鄂州市",
        "Ezhou",
        "420700",
        [
            ("ez_liangzihu", "梁子湖区", "Liangzihu District"),
            ("ez_huarong", "华容区", "Huarong District"),
            ("ez_echeng", "鄂城区", "Echeng District"),
        ],
    ),
    (
        "jingmen",
        "荆门市",
        "Jingmen",
        "420800",
        [
            ("jm_dongbao", "东宝区", "Dongbao District"),
            ("jm_duodao", "掇刀区", "Duodao District"),
            ("jm_shayang", "沙洋县", "Shayang County"),
            ("jm_zhongxiang", "钟祥市", "Zhongxiang"),
            ("jm_jingshan", "京山市", "Jingshan"),
        ],
    ),
    (
        "xiaogan",
        "孝感市",
        "Xiaogan",
        "420900",
        [
            ("xg_xiaonan", "孝南区", "Xiaonan District"),
            ("xg_xiaochang", "孝昌县", "Xiaochang County"),
            ("xg_dawu", "大悟县", "Dawu County"),
            ("xg_yunmeng", "云梦县", "Yunmeng County"),
            ("xg_yingcheng", "应城市", "Yingcheng"),
            ("xg_anlu", "安陆市", "Anlu"),
            ("xg_hanchuan", "汉川市", "Hanchuan"),
        ],
    ),
    (
        "jingzhou",
        "荆州市",
        "Jingzhou",
        "421000",
        [
            ("jz_shashi", "沙市区", "Shashi District"),
            ("jz_jingzhou", "荆州区", "Jingzhou District"),
            ("jz_gongan", "公安县", "Gong'an County"),
            ("jz_jiangling", "江陵县", "Jiangling County"),
            ("jz_shishou", "石首市", "Shishou"),
            ("jz_honghu", "洪湖市", "Honghu"),
            ("jz_songzi", "松滋市", "Songzi"),
            ("jz_jianli", "监利市", "Jianli"),
        ],
    ),
    (
        "huanggang",
        "黄冈市",
        "Huanggang",
        "421100",
        [
            ("hg_huangzhou", "黄州区", "Huangzhou District"),
            ("hg_tuanfeng", "团风县", "Tuanfeng County"),
            ("hg_hongan", "红安县", "Hong'an County"),
            ("hg_luotian", "罗田县", "Luotian County"),
            ("hg_yingshan", "英山县", "Yingshan County"),
            ("hg_xishui", "浠水县", "Xishui County"),
            ("hg_qichun", "蕲春县", "Qichun County"),
            ("hg_huangmei", "黄梅县", "Huangmei County"),
            ("hg_macheng", "麻城市", "Macheng"),
            ("hg_wuxue", "武穴市", "Wuxue"),
        ],
    ),
    (
        "xianning",
        "咸宁市",
        "Xianning",
        "421200",
        [
            ("xn_xianan", "咸安区", "Xian'an District"),
            ("xn_jiayu", "嘉鱼县", "Jiayu County"),
            ("xn_tongcheng", "通城县", "Tongcheng County"),
            ("xn_chongyang", "崇阳县", "Chongyang County"),
            ("xn_tongshan", "通山县", "Tongshan County"),
            ("xn_chibi", "赤壁市", "Chibi"),
        ],
    ),
    (
        "suizhou",
        "随州市",
        "Suizhou",
        "421300",
        [
            ("sz_zengdu", "曾都区", "Zengdu District"),
            ("sz_suixian", "随县", "Sui County"),
            ("sz_guangshui", "广水市", "Guangshui"),
        ],
    ),
    (
        "enshi",
        "恩施土家族苗族自治州",
        "Enshi Tujia and Miao Autonomous Prefecture",
        "422800",
        [
            ("es_enshi", "恩施市", "Enshi City"),
            ("es_lichuan", "利川市", "Lichuan"),
            ("es_jianshi", "建始县", "Jianshi County"),
            ("es_badong", "巴东县", "Badong County"),
            ("es_xuanen", "宣恩县", "Xuan'en County"),
            ("es_xianfeng", "咸丰县", "Xianfeng County"),
            ("es_laifeng", "来凤县", "Laifeng County"),
            ("es_hefeng", "鹤峰县", "Hefeng County"),
        ],
    ),
    # County-level units administered directly by the province: prefecture-level for statistics.
    ("xiantao", "仙桃市", "Xiantao", "429004", []),
    ("qianjiang", "潜江市", "Qianjiang", "429005", []),
    ("tianmen", "天门市", "Tianmen", "429006", []),
    ("shennongjia", "神农架林区", "Shennongjia Forestry District", "429021", []),
]


def province_regions() -> list[dict[str, str]]:
    """Rows for regions.csv: every prefecture (but Huangshi) and its county units, parent_id and level set."""
    rows = []
    for region_id, name_zh, name_en, code, counties in PREFECTURES:
        rows.append(
            {
                "region_id": region_id,
                "name_zh": name_zh,
                "name_en": name_en,
                "level": "city",
                "parent_id": "hubei",
                "admin_code": code,
            }
        )
        for county_id, county_zh, county_en in counties:
            rows.append(
                {
                    "region_id": county_id,
                    "name_zh": county_zh,
                    "name_en": county_en,
                    "level": "county",
                    "parent_id": region_id,
                    "admin_code": "",
                }
            )
    return rows
