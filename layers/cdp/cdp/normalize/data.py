"""Reference tables used by the normalizers (pure data, no I/O).

Keys are *folded* (accents removed, lowercase, punctuation stripped) so lookups work on any spelling.
"""

from __future__ import annotations


def _words(text: str) -> frozenset[str]:
    """The whitespace-separated words of a text block (keeps long word tables compact)."""
    return frozenset(text.split())


# Values meaning "no value" in exports (spreadsheets, CRMs, forms). They are compared after folding, so
# "N/A", "n.a." and "#N/A" all hit. "0" and "x" are deliberately absent: they are booleans.
NULL_TOKENS: frozenset[str] = _words(
    """
    na n/a n.a n.a. #n/a nan null none nil nul undefined undef unknown inconnu inconnue - -- --- ---- .
    .. ... ? ?? ??? ???? _ __ / # #value! #ref! #name? #div/0! #null! #num! nr n.r n.r. nc n.c n.c. ns
    aucun aucune vide empty blank tbd tbc nonrenseigne non-renseigne non-communique pasdemail
    """
) | {
    "non renseigne",
    "non communique",
    "a completer",
    "a renseigner",
    "sans objet",
    "pas de mail",
    "pas d'email",
    "pas de telephone",
    "not available",
    "not applicable",
    "no email",
    "no phone",
}

# Civility spellings (folded, dots removed) -> canonical code.
CIVILITIES: dict[str, str] = {
    "m": "M",
    "mr": "M",
    "mister": "M",
    "monsieur": "M",
    "msieur": "M",
    "mssr": "M",
    "mons": "M",
    "sir": "M",
    "herr": "M",
    "senor": "M",
    "sr": "M",
    "signor": "M",
    "mme": "MME",
    "mmes": "MME",
    "madame": "MME",
    "mrs": "MME",
    "ms": "MME",
    "mad": "MME",
    "md": "MME",
    "frau": "MME",
    "senora": "MME",
    "sra": "MME",
    "signora": "MME",
    "mlle": "MLLE",
    "melle": "MLLE",
    "mle": "MLLE",
    "mademoiselle": "MLLE",
    "miss": "MLLE",
    "senorita": "MLLE",
    "srta": "MLLE",
    "dr": "DR",
    "docteur": "DR",
    "doctor": "DR",
    "doct": "DR",
    "doc": "DR",
    "me": "ME",
    "maitre": "ME",
    "pr": "PR",
    "prof": "PR",
    "professeur": "PR",
    "professor": "PR",
}

# Civility tokens accepted as a *prefix* of a name without a trailing dot. "M" and "me" are left out on
# purpose: without a dot they are as likely to be an initial or a word; they need a dot ("M.") to count.
CIVILITY_PREFIXES_NO_DOT: frozenset[str] = frozenset(CIVILITIES) - {"m", "me", "sr", "doc", "mad", "md"}

# Lowercase name particles (nobiliary and patronymic), kept lowercase when inside a name.
NAME_PARTICLES: frozenset[str] = frozenset(
    {"de", "du", "des", "d", "van", "von", "der", "den", "ter", "ten", "zu", "di", "da", "dos", "das", "do"}
    | {"del", "della", "dello", "degli", "af", "av", "y", "e", "bin", "ibn", "ben", "el", "al", "vom", "zum"}
)

# Common first names (folded), French first and then international, used to split full names and to spot
# first/last names given in the wrong columns. Names that are also very common surnames (Martin, Bernard,
# Thomas...) are included: the swap rule requires the *other* part not to be a first name.
FIRST_NAMES: frozenset[str] = _words(
    """
    aaron abdel abdelkader abdellah abdoulaye abel abigail adam adele adeline adrien adrienne agathe
    agnes ahmed aicha aime aimee alain alan alban albert albane alberto alexander alexandra alexandre
    alexia alexis alfred ali alice alicia aline alison alix amandine amaury ambre amelie amine amir
    anais anastasia andre andrea andree andrew ange angela angele angelique anna anne annette annick
    annie anouk antoine antoinette anthony antonio apolline armand arnaud arthur astrid athenais audrey
    augustin aurele aurelie aurelien aurore axel axelle aya ayoub baptiste barbara bastien beatrice ben
    benedicte benjamin benoit berangere bernadette bernard bertrand blandine brigitte bruno camille
    capucine carine carla carlos carmen carole caroline catherine cecile cedric celestin celia celine
    chantal charles charlene charlie charlotte chloe christelle christian christiane christine
    christophe claire clara clarisse claude claudine clement clementine clotilde colette coline colin
    corentin corinne cyril cyrille damien daniel daniele danielle david delphine denis denise diane
    didier dimitri dominique dorian dorothee eden edith edouard elena eleonore eliane elias elie elisa
    elisabeth elise elodie eloise elsa emeline emile emilie emilien emma emmanuel emmanuelle enzo eric
    erwan esteban estelle ethan etienne eugene eugenie eva evelyne fabien fabienne fabrice fanny fatima
    fatoumata felix ferdinand fernand fernande florence florent florian francine franck francois
    francoise frederic frederique gabin gabriel gabrielle gael gaelle gaetan gaston gauthier genevieve
    georges gerald geraldine gerard germaine ghislaine gilbert gilles ginette gisele gregoire gregory
    guillaume gustave guy guylaine gwenael gwenaelle hadrien hamza hannah hector helene henri henriette
    herve hugo hugues ibrahim ines ingrid irene isabelle jacqueline jacques jade james jasmine jean
    jeanine jeanne jeannine jeremie jeremy jerome joel joelle johan johanna jonathan jordan joseph
    josephine josette josiane jules julia julian julie julien juliette justin justine karim karima
    karine kevin khadija laetitia lea lea leila lena leo leon leonard leonie lila lilian liliane lina
    lisa loane loic lola lou louis louise luc luca lucas lucie lucien lucienne ludovic lydie lyna
    madeleine mael maelle maeva magali mahe maite malik manon marc marcel marceline marguerite maria
    marianne marie marielle marine marion marius marjorie marthe martin martine maryse mathias mathieu
    mathilde mathis matteo matthieu maud maurice maxence maxime maximilien mayeul medhi mehdi melanie
    melissa micheline michel michele mickael milan mireille mohamed mohammed monique morgan morgane
    mounir muriel myriam nadege nadia nadine nael nathalie nathan nicolas nicole noa noah noe noel
    noelle noemie odette odile olivia olivier oscar pascal pascale patricia patrice patrick paul paule
    pauline perrine philippe pierre pierrette quentin rachel rachid raphael raphaelle raymond raymonde
    regine remi remy renaud rene renee richard robert robin rodolphe roger roland romain romane rose
    rosalie roxane sabine sabrina sacha salome samia samir samuel sandra sandrine sarah sebastien serge
    severine simon simone solange solene sophie stephane stephanie suzanne suzette sylvain sylvaine
    sylvie tatiana theo theophile therese thibault thibaut thierry thomas timeo timothee tom tristan
    ulysse valentin valentine valerie vanessa veronique victor victoria vincent violette virginie vivien
    vivienne xavier yann yannick yasmine yassine yves yvette yvonne zoe adriana agustin alejandro
    alessandro alessia alice amy andreas angelo anja anton beatriz birgit bob brian carl carol charlotte
    chris christopher claudia cristina dan daniela dave david deborah diego dieter dirk donald dorothy
    edward elizabeth ellen emily eric erik eva fernando francesca francesco frank fritz george giorgio
    giovanni giulia giuseppe hans heinz helen helga henry ian isabel jack jan jane jason javier jennifer
    jens jessica jim joao joe john jorge jose juan jurgen karen karl katharina kate katherine klaus
    laura laurent lawrence leonardo linda lorenzo luigi luis luisa lukas marco marcus margaret mario
    mark markus marta martha mary matthew max michael michelle miguel monica nancy olga oliver pablo
    paolo patrick pedro peter petra rafael ralf rebecca ricardo roberto ronald rosa ruth ryan sam sandro
    sara scott sean sergio stefan stefano steven susan thomas tim tobias tony ursula uwe walter william
    wolfgang yusuf amelia ava harry isla jacob james liam mia oliver olivia sophia
    """
)

# Webmail and ISP mailbox domains: an address there says nothing about the employer's web domain.
WEBMAIL_DOMAINS: frozenset[str] = _words(
    """
    gmail.com googlemail.com gmail.fr hotmail.com hotmail.fr hotmail.co.uk hotmail.be hotmail.it
    hotmail.es hotmail.de live.com live.fr live.be live.co.uk msn.com outlook.com outlook.fr
    windowslive.com yahoo.com yahoo.fr yahoo.co.uk yahoo.de yahoo.es yahoo.it ymail.com rocketmail.com
    aol.com aol.fr icloud.com me.com mac.com orange.fr wanadoo.fr free.fr laposte.net sfr.fr neuf.fr
    club-internet.fr bbox.fr numericable.fr noos.fr aliceadsl.fr cegetel.net voila.fr gmx.fr gmx.com
    gmx.de gmx.net web.de t-online.de mail.com protonmail.com proton.me pm.me tutanota.com yandex.com
    yandex.ru mail.ru skynet.be telenet.be bluewin.ch sunrise.ch zoho.com hushmail.com fastmail.com
    qq.com 163.com libero.it virgilio.it tiscali.fr tiscali.it btinternet.com sky.com comcast.net
    verizon.net att.net
    """
)

# Domains offered as typo corrections: the frequent consumer providers (a domain close to one of these
# but not equal is suggested the closest one). Legitimate look-alikes must be in this list too, so that
# they are not "corrected" into each other.
# Ordered by frequency in French customer files: on a tie ("hotmail.fe" is one edit away from both
# hotmail.fr and hotmail.be) the first one wins.
_FREQUENT_DOMAINS = (
    "gmail.com",
    "hotmail.fr",
    "hotmail.com",
    "yahoo.fr",
    "orange.fr",
    "wanadoo.fr",
    "free.fr",
    "laposte.net",
    "sfr.fr",
    "outlook.fr",
    "live.fr",
    "icloud.com",
    "yahoo.com",
    "outlook.com",
    "neuf.fr",
    "aol.com",
    "msn.com",
)
COMMON_EMAIL_DOMAINS: tuple[str, ...] = _FREQUENT_DOMAINS + tuple(
    sorted(WEBMAIL_DOMAINS.difference(_FREQUENT_DOMAINS))
)

# Local parts of role (non-personal) mailboxes, compared without ".", "-" and "_".
ROLE_LOCAL_PARTS: frozenset[str] = _words(
    """
    info infos information informations contact contacts admin administration administrateur sales vente
    ventes support help helpdesk noreply donotreply nepasrepondre hello bonjour commercial commerciale
    compta comptabilite facturation factures facture billing invoice invoices rh hr jobs emploi
    recrutement careers marketing newsletter postmaster webmaster hostmaster abuse root office
    secretariat accueil reception direction service serviceclient serviceclients clients client sav team
    equipe mail email boutique shop commande commandes orders order press presse communication
    accounting accounts
    """
)

# Legal forms (folded, dots removed, single letters joined) -> canonical code.
LEGAL_FORMS: dict[str, str] = {
    "sas": "SAS",
    "societe par actions simplifiee": "SAS",
    "sasu": "SASU",
    "societe par actions simplifiee unipersonnelle": "SASU",
    "sarl": "SARL",
    "societe a responsabilite limitee": "SARL",
    "sarlu": "SARL",
    "eurl": "EURL",
    "sa": "SA",
    "societe anonyme": "SA",
    "sci": "SCI",
    "snc": "SNC",
    "scop": "SCOP",
    "scp": "SCP",
    "scm": "SCM",
    "sca": "SCA",
    "scs": "SCS",
    "selarl": "SELARL",
    "selas": "SELAS",
    "selafa": "SELAFA",
    "gie": "GIE",
    "sem": "SEM",
    "eirl": "EIRL",
    "ei": "EI",
    "gaec": "GAEC",
    "earl": "EARL",
    "scea": "SCEA",
    "gmbh": "GMBH",
    "gmbh & co kg": "GMBH",
    "kg": "KG",
    "ohg": "OHG",
    "ug": "UG",
    "ltd": "LTD",
    "limited": "LTD",
    "plc": "PLC",
    "llp": "LLP",
    "inc": "INC",
    "incorporated": "INC",
    "corp": "CORP",
    "corporation": "CORP",
    "llc": "LLC",
    "bv": "BV",
    "bvba": "BVBA",
    "nv": "NV",
    "spa": "SPA",
    "srl": "SRL",
    "sprl": "SPRL",
    "sl": "SL",
    "slu": "SL",
    "ag": "AG",
    "ab": "AB",
    "as": "AS",
    "oy": "OY",
}

# French street types (folded, dots removed) -> canonical display form.
STREET_TYPES_FR: dict[str, str] = {
    "r": "rue",
    "rue": "rue",
    "av": "avenue",
    "ave": "avenue",
    "avn": "avenue",
    "aven": "avenue",
    "avenue": "avenue",
    "bd": "boulevard",
    "bld": "boulevard",
    "blvd": "boulevard",
    "bvd": "boulevard",
    "boul": "boulevard",
    "boulevard": "boulevard",
    "ch": "chemin",
    "che": "chemin",
    "chem": "chemin",
    "chemin": "chemin",
    "pl": "place",
    "place": "place",
    "imp": "impasse",
    "impasse": "impasse",
    "all": "allée",
    "al": "allée",
    "allee": "allée",
    "rte": "route",
    "route": "route",
    "qu": "quai",
    "quai": "quai",
    "crs": "cours",
    "cours": "cours",
    "sq": "square",
    "square": "square",
    "pass": "passage",
    "passage": "passage",
    "fg": "faubourg",
    "fbg": "faubourg",
    "faubourg": "faubourg",
    "lot": "lotissement",
    "lotissement": "lotissement",
    "res": "résidence",
    "resid": "résidence",
    "residence": "résidence",
    "ham": "hameau",
    "hameau": "hameau",
    "ld": "lieu-dit",
    "lieudit": "lieu-dit",
    "lieu-dit": "lieu-dit",
    "rpt": "rond-point",
    "rond-point": "rond-point",
    "sent": "sentier",
    "sentier": "sentier",
    "prom": "promenade",
    "promenade": "promenade",
    "esp": "esplanade",
    "esplanade": "esplanade",
    "za": "ZA",
    "zac": "ZAC",
    "zi": "ZI",
    "cite": "cité",
    "carr": "carrefour",
    "carrefour": "carrefour",
    "mte": "montée",
    "montee": "montée",
    "trav": "traverse",
    "traverse": "traverse",
    "rle": "ruelle",
    "ruelle": "ruelle",
    "vla": "villa",
    "villa": "villa",
    "dom": "domaine",
    "domaine": "domaine",
    "clos": "clos",
    "voie": "voie",
    "parvis": "parvis",
    "quartier": "quartier",
    "chaussee": "chaussée",
    "chs": "chaussée",
}

# English street types, recognised at the *end* of an address ("12 Main St").
STREET_TYPES_EN: dict[str, str] = {
    "st": "Street",
    "str": "Street",
    "street": "Street",
    "rd": "Road",
    "road": "Road",
    "ave": "Avenue",
    "av": "Avenue",
    "avenue": "Avenue",
    "blvd": "Boulevard",
    "boulevard": "Boulevard",
    "dr": "Drive",
    "drive": "Drive",
    "ln": "Lane",
    "lane": "Lane",
    "ct": "Court",
    "court": "Court",
    "pl": "Place",
    "place": "Place",
    "sq": "Square",
    "square": "Square",
    "ter": "Terrace",
    "terr": "Terrace",
    "terrace": "Terrace",
    "hwy": "Highway",
    "highway": "Highway",
    "pkwy": "Parkway",
    "parkway": "Parkway",
    "cres": "Crescent",
    "crescent": "Crescent",
    "way": "Way",
    "close": "Close",
}

# House number suffixes (folded) -> canonical display.
NUMBER_SUFFIXES: dict[str, str] = {
    "b": "bis",
    "bis": "bis",
    "t": "ter",
    "ter": "ter",
    "q": "quater",
    "qua": "quater",
    "quater": "quater",
}

# Lowercase French/English small words in street, city and company display forms (not at the start).
LOWER_WORDS: frozenset[str] = frozenset(
    {"de", "du", "des", "la", "le", "les", "et", "en", "au", "aux", "sur", "sous", "lès", "lez"}
    | {"à", "of", "the", "and", "on", "upon", "by"}
)

# French and English country names and common aliases (folded) -> ISO 3166-1 alpha-2. pycountry supplies
# the English names and the alpha-2/alpha-3 codes; this table adds French names and everyday aliases.
COUNTRY_ALIASES: dict[str, str] = {
    "france": "FR",
    "france metropolitaine": "FR",
    "republique francaise": "FR",
    "fx": "FR",
    "metropole": "FR",
    "allemagne": "DE",
    "deutschland": "DE",
    "rfa": "DE",
    "belgique": "BE",
    "belgie": "BE",
    "belgien": "BE",
    "suisse": "CH",
    "schweiz": "CH",
    "svizzera": "CH",
    "espagne": "ES",
    "espana": "ES",
    "italie": "IT",
    "italia": "IT",
    "pays-bas": "NL",
    "pays bas": "NL",
    "hollande": "NL",
    "holland": "NL",
    "nederland": "NL",
    "the netherlands": "NL",
    "luxembourg": "LU",
    "portugal": "PT",
    "royaume-uni": "GB",
    "royaume uni": "GB",
    "uk": "GB",
    "u.k.": "GB",
    "united kingdom": "GB",
    "grande-bretagne": "GB",
    "grande bretagne": "GB",
    "great britain": "GB",
    "angleterre": "GB",
    "england": "GB",
    "ecosse": "GB",
    "scotland": "GB",
    "pays de galles": "GB",
    "wales": "GB",
    "irlande du nord": "GB",
    "northern ireland": "GB",
    "irlande": "IE",
    "etats-unis": "US",
    "etats unis": "US",
    "etats-unis d'amerique": "US",
    "usa": "US",
    "u.s.a.": "US",
    "u.s.": "US",
    "united states": "US",
    "united states of america": "US",
    "america": "US",
    "amerique": "US",
    "canada": "CA",
    "autriche": "AT",
    "osterreich": "AT",
    "oesterreich": "AT",
    "danemark": "DK",
    "suede": "SE",
    "norvege": "NO",
    "finlande": "FI",
    "islande": "IS",
    "pologne": "PL",
    "republique tcheque": "CZ",
    "tchequie": "CZ",
    "slovaquie": "SK",
    "hongrie": "HU",
    "roumanie": "RO",
    "bulgarie": "BG",
    "grece": "GR",
    "chypre": "CY",
    "malte": "MT",
    "croatie": "HR",
    "slovenie": "SI",
    "serbie": "RS",
    "estonie": "EE",
    "lettonie": "LV",
    "lituanie": "LT",
    "russie": "RU",
    "ukraine": "UA",
    "turquie": "TR",
    "maroc": "MA",
    "algerie": "DZ",
    "tunisie": "TN",
    "egypte": "EG",
    "senegal": "SN",
    "cote d'ivoire": "CI",
    "cote divoire": "CI",
    "ivory coast": "CI",
    "cameroun": "CM",
    "mali": "ML",
    "afrique du sud": "ZA",
    "bresil": "BR",
    "mexique": "MX",
    "argentine": "AR",
    "chili": "CL",
    "colombie": "CO",
    "perou": "PE",
    "chine": "CN",
    "japon": "JP",
    "coree du sud": "KR",
    "south korea": "KR",
    "inde": "IN",
    "australie": "AU",
    "nouvelle-zelande": "NZ",
    "nouvelle zelande": "NZ",
    "israel": "IL",
    "liban": "LB",
    "emirats arabes unis": "AE",
    "eau": "AE",
    "uae": "AE",
    "arabie saoudite": "SA",
    "monaco": "MC",
    "andorre": "AD",
    "saint-marin": "SM",
    "vatican": "VA",
    "liechtenstein": "LI",
    "russia": "RU",
    "vietnam": "VN",
    "viet nam": "VN",
    "guadeloupe": "GP",
    "martinique": "MQ",
    "guyane": "GF",
    "guyane francaise": "GF",
    "la reunion": "RE",
    "reunion": "RE",
    "ile de la reunion": "RE",
    "mayotte": "YT",
    "nouvelle-caledonie": "NC",
    "nouvelle caledonie": "NC",
    "polynesie francaise": "PF",
    "polynesie": "PF",
    "saint-pierre-et-miquelon": "PM",
    "saint pierre et miquelon": "PM",
    "wallis-et-futuna": "WF",
    "wallis et futuna": "WF",
    "saint-barthelemy": "BL",
    "saint-martin": "MF",
}

# Territories using the French postcode system (5 digits).
FRENCH_POSTCODE_COUNTRIES: frozenset[str] = frozenset(
    {"FR", "GP", "MQ", "GF", "RE", "YT", "PM", "BL", "MF", "WF", "PF", "NC", "MC"}
)

# Month names and abbreviations (folded), French and English.
MONTHS: dict[str, int] = {
    "janvier": 1,
    "janv": 1,
    "jan": 1,
    "january": 1,
    "fevrier": 2,
    "fevr": 2,
    "fev": 2,
    "feb": 2,
    "february": 2,
    "mars": 3,
    "mar": 3,
    "march": 3,
    "avril": 4,
    "avr": 4,
    "apr": 4,
    "april": 4,
    "mai": 5,
    "may": 5,
    "juin": 6,
    "jun": 6,
    "june": 6,
    "juillet": 7,
    "juil": 7,
    "jul": 7,
    "july": 7,
    "aout": 8,
    "aug": 8,
    "august": 8,
    "septembre": 9,
    "sept": 9,
    "sep": 9,
    "september": 9,
    "octobre": 10,
    "oct": 10,
    "october": 10,
    "novembre": 11,
    "nov": 11,
    "november": 11,
    "decembre": 12,
    "dec": 12,
    "december": 12,
}

# Words ignored in textual dates (weekdays, "le", "the", ordinal suffixes are handled separately).
DATE_NOISE_WORDS: frozenset[str] = _words(
    """
    lundi mardi mercredi jeudi vendredi samedi dimanche lun mar mer jeu ven sam dim monday tuesday
    wednesday thursday friday saturday sunday mon tue tues wed thu thur thurs fri sat sun le the of de
    du
    """
) - {"mar"}  # "mar" is March, not "mardi"

# Booleans, consent flags included (folded).
TRUE_TOKENS: frozenset[str] = _words(
    """
    1 1.0 y yes oui o true vrai v x t on ok si ja checked coche optin inscrit inscrite abonne abonnee
    subscribed accepte acceptee accepted granted consent consenti agree agreed
    """
) | {"opt in", "opt-in"}
FALSE_TOKENS: frozenset[str] = _words(
    """
    0 0.0 n no non false faux f off nein unchecked optout desinscrit desinscrite desabonne desabonnee
    unsubscribed refuse refusee refused denied declined revoked withdrawn revoque retire
    """
) | {"opt out", "opt-out", "non coche"}

# Currency symbols and local spellings -> ISO 4217.
CURRENCY_SYMBOLS: dict[str, str] = {
    "€": "EUR",
    "eur": "EUR",
    "euro": "EUR",
    "euros": "EUR",
    "$": "USD",
    "us$": "USD",
    "usd": "USD",
    "£": "GBP",
    "gbp": "GBP",
    "¥": "JPY",
    "chf": "CHF",
    "cad": "CAD",
    "c$": "CAD",
    "ca$": "CAD",
}

# Channel spellings (folded) -> canonical channel.
CHANNELS: dict[str, str] = {
    "web": "web",
    "www": "web",
    "site": "web",
    "site web": "web",
    "website": "web",
    "internet": "web",
    "online": "web",
    "en ligne": "web",
    "ecommerce": "web",
    "e-commerce": "web",
    "e commerce": "web",
    "store": "store",
    "magasin": "store",
    "boutique": "store",
    "shop": "store",
    "retail": "store",
    "pos": "store",
    "point de vente": "store",
    "phone": "phone",
    "telephone": "phone",
    "tel": "phone",
    "call": "phone",
    "appel": "phone",
    "call center": "phone",
    "centre d'appel": "phone",
    "email": "email",
    "e-mail": "email",
    "e mail": "email",
    "mail": "email",
    "courriel": "email",
    "newsletter": "email",
    "sms": "sms",
    "texto": "sms",
    "app": "app",
    "application": "app",
    "mobile app": "app",
    "appli": "app",
    "post": "post",
    "postal": "post",
    "courrier": "post",
    "mailing": "post",
    "push": "push",
}

# Hosts that hold a company's page but are not the company's own domain.
NON_COMPANY_WEB_DOMAINS: frozenset[str] = _words(
    """
    facebook.com fb.com linkedin.com instagram.com twitter.com x.com youtube.com tiktok.com google.com
    goo.gl sites.google.com pagesjaunes.fr societe.com wixsite.com wordpress.com blogspot.com
    """
)
