"""Facts about the generated city's department files that several tests need."""

# source -> [(ID-number column, role)]
ID_COLUMNS = {
    "gongan_renkou": [("公民身份号码", "resident")],
    "juzhuzheng": [("证件号码", "holder")],
    "shebao_canbao": [("证件号码", "insured")],
    "jiaoyu_xueji": [("身份证件号", "student"), ("监护人证件号", "guardian")],
    "weijian_jiuzhen": [("证件号码", "patient")],
    "zhujian_zulin": [("出租人证件号码", "landlord"), ("承租人证件号码", "tenant")],
    "shichang_qiye": [("法定代表人证件号码", "legal_rep")],
    "minzheng_hunyin": [("男方身份证件号码", "husband"), ("女方身份证件号码", "wife")],
}
