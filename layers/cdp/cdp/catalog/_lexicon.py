"""Compact word lists used by semantic detection (pure data, no I/O).

Every entry is *folded*: accents removed (unidecode), lowercase. Lists are deliberately short: they only
need to recognise the bulk of a column (the common values), never every value, because detection works on
shares of a sample.
"""

from __future__ import annotations


def words(text: str) -> frozenset[str]:
    """The whitespace-separated words of a text, as a frozenset (keeps long word lists readable)."""
    return frozenset(text.split())


def _lines(text: str) -> frozenset[str]:
    # One entry per comma-separated item, for multi-word entries ("le havre").
    return frozenset(item.strip() for item in text.split(",") if item.strip())


# Common first names: French (all generations), then English, German, Italian, Spanish, Maghrebi and others.
FIRST_NAMES: frozenset[str] = words(
    """
    jean pierre michel andre philippe rene louis alain jacques bernard marcel daniel roger robert paul claude
    christian henri georges nicolas francois patrick gerard christophe joseph julien david frederic thierry
    eric laurent stephane pascal olivier sebastien guy maurice raymond yves serge gilles dominique didier
    denis vincent bruno franck thomas alexandre antoine maxime romain guillaume mathieu matthieu kevin jeremy
    anthony arnaud benjamin hugo lucas theo nathan enzo gabriel jules arthur raphael leo adam mael noah
    ethan tom mathis clement quentin florian alexis valentin baptiste cedric fabrice ludovic jerome xavier
    emmanuel herve yannick hubert lucien fernand albert emile gaston victor charles edouard etienne gaetan
    loic mickael michael jonathan damien sylvain regis lionel marc luc joel jacky gael tristan samuel simon
    martin adrien axel bastien benoit cyril dylan fabien gregory hadrien hugues jordan killian lilian matteo
    morgan nolan remi sacha timothee titouan tony vivien william yann yoann aurelien bertrand dimitri emeric
    florent gauthier gilbert mohamed mehdi karim rachid youssef ali ahmed omar samir nabil sofiane bilal
    ibrahim moussa amadou mamadou marius sacha eliott evan noe timeo kylian lenny ilyes ayoub rayan
    marie jeanne francoise monique catherine nathalie isabelle jacqueline anne sylvie martine madeleine
    nicole suzanne helene christine louise marguerite denise christiane valerie sophie sandrine stephanie
    celine veronique chantal brigitte josiane colette simone yvette odette paulette genevieve annie patricia
    laurence corinne florence claire julie aurelie emilie camille sarah laura manon chloe emma lea ines jade
    alice lina rose anna mila ambre julia lou juliette zoe lena clara eva romane lucie mathilde pauline
    marine charlotte elodie audrey melanie virginie caroline delphine karine severine laetitia elise agathe
    adele margaux oceane oriane anais morgane justine amandine jessica cecile beatrice evelyne josette
    lucienne germaine yvonne therese marcelle andree micheline ginette raymonde mireille danielle michele
    elisabeth elizabeth agnes murielle muriel fabienne pascale gisele solange bernadette noemie margot
    victoria victoire capucine apolline heloise salome maelle maeva clemence gabrielle nina leonie lola elsa
    fatima aicha khadija yasmine sonia nadia leila samia amina myriam karima sabrina jennifer vanessa
    estelle gaelle ophelie coralie marion alexandra carole nadine sylviane annick maryse josephine
    john james michael william richard joseph charles christopher matthew mark donald steven andrew joshua
    kenneth brian george timothy ronald edward jason jeffrey ryan jacob gary stephen larry justin scott
    brandon gregory frank jack dennis jerry tyler aaron jose henry douglas zachary peter kyle walter keith
    terry austin sean harold carl lawrence jesse bryan billy bruce joe logan alan juan willie elijah wayne
    randy mason roy ralph bobby russell bradley philip eugene liam oliver harry charlie oscar alfie freddie
    archie luca marco giuseppe giovanni francesco alessandro andrea lorenzo carlos javier miguel pablo
    diego alejandro manuel luis jorge sergio hans klaus jurgen stefan wolfgang uwe dieter lukas felix
    maximilian jan piotr tomasz ivan dmitri sergei igor mary jennifer linda barbara susan karen lisa nancy
    betty margaret sandra ashley kimberly emily donna michelle carol amanda dorothy melissa deborah rebecca
    sharon cynthia kathleen amy angela shirley brenda pamela helen samantha katherine debra rachel carolyn
    janet maria heather diane ruth olivia joyce virginia kelly lauren christina joan evelyn judith megan
    cheryl hannah martha gloria teresa ann sara madison frances kathryn janice abigail judy sophia grace
    amber doris marilyn beverly isabella theresa diana natalie brittany kayla lori amelia isla ava mia sofia
    giulia chiara francesca lucia elena carmen ana isabel pilar ursula sabine petra monika claudia anja
    katarina olga natalia svetlana anastasia priya ravi raj amit wei mei yuki hiroshi kenji
    """
)

# Frequent surnames (France first, then English, German, Italian, Spanish, Portuguese).
LAST_NAMES: frozenset[str] = words(
    """
    martin bernard thomas petit robert richard durand dubois moreau laurent simon michel lefebvre leroy roux
    david bertrand morel fournier girard bonnet dupont lambert fontaine rousseau vincent muller lefevre faure
    andre mercier blanc guerin boyer garnier chevalier francois legrand gauthier garcia perrin robin clement
    morin nicolas henry roussel mathieu gautier masson marchand duval denis dumont marie lemaire noel meyer
    dufour meunier brun blanchard giraud joly riviere lucas brunet gaillard barbier arnaud martinez gerard
    roche renard schmitt roy leroux colin vidal caron picard roger fabre aubert lemoine renaud dumas lacroix
    olivier philippe bourgeois pierre benoit rey leclerc payet rolland leclercq guillaume lecomte lopez jean
    dupuy guillot hubert berger carpentier sanchez dupuis moulin louis deschamps huet vasseur perez boucher
    fleury royer klein jacquet adam poirier marty aubry guyot carre charles renault charpentier menard
    maillard baron bertin bailly herve schneider fernandez collet leger bouvier julien prevost millet perrot
    daniel cousin germain breton besson langlois remy pelletier leveque perrier leblanc barre lebrun marchal
    weber mallet hamon boulanger jacob monnier michaud rodriguez guichard gillet etienne grondin poulain
    tessier chevallier collin chauvin bouchet gay lemaitre benard marechal humbert reynaud antoine hoarau
    perret barthelemy cordier pichon lejeune gilbert lamy delaunay pasquier carlier laporte
    smith johnson williams brown jones miller davis wilson anderson taylor moore jackson white harris
    thompson walker young allen king wright scott hill green adams baker nelson carter mitchell roberts
    turner phillips campbell parker evans edwards collins stewart morris murphy cook rogers morgan cooper
    peterson reed bailey bell kelly howard ward cox richardson wood watson brooks bennett gray hughes price
    sanders myers long ross foster schmidt fischer wagner becker hoffmann schulz koch rossi russo ferrari
    esposito bianchi romano colombo ricci gonzalez hernandez gomez diaz silva santos pereira ferreira costa
    oliveira
    """
)

# Particles that start compound surnames ("de la Fontaine", "Le Gall", "van Dyke").
NAME_PARTICLES: frozenset[str] = words(
    "de du des la le d van von der den di da dos del della mc mac ben el al"
)

# Big French cities and the European/world cities most often seen in French customer files.
CITIES: frozenset[str] = _lines(
    """
    paris, marseille, lyon, toulouse, nice, nantes, montpellier, strasbourg, bordeaux, lille, rennes, reims,
    toulon, saint-etienne, le havre, grenoble, dijon, angers, villeurbanne, saint-denis, nimes,
    clermont-ferrand, le mans, aix-en-provence, brest, tours, amiens, limoges, annecy, boulogne-billancourt,
    perpignan, metz, besancon, orleans, rouen, montreuil, argenteuil, mulhouse, caen, nancy, saint-paul,
    roubaix, tourcoing, nanterre, vitry-sur-seine, creteil, avignon, poitiers, aubervilliers, dunkerque,
    aulnay-sous-bois, colombes, versailles, courbevoie, rueil-malmaison, cherbourg, beziers, la rochelle, pau,
    calais, cannes, antibes, saint-maur-des-fosses, champigny-sur-marne, ajaccio, bastia, merignac,
    saint-nazaire, colmar, issy-les-moulineaux, noisy-le-grand, evry, cergy, pessac, valence, quimper, troyes,
    lorient, vannes, chambery, niort, la roche-sur-yon, sarcelles, villejuif, ivry-sur-seine, lens, arras,
    belfort, bayonne, chartres, laval, saint-brieuc, blois, chateauroux, angouleme, bourges, saint-malo,
    meaux, brive-la-gaillarde, albi, carcassonne, tarbes, montauban, agen, perigueux, auxerre, nevers, macon,
    roanne, vichy, epinal, charleville-mezieres, saint-quentin, beauvais, compiegne, evreux, alencon, cholet,
    saumur, gap, frejus, hyeres, sete, ales, narbonne, biarritz, neuilly-sur-seine, levallois-perret,
    vincennes, saint-germain-en-laye, fontainebleau, melun, cayenne, fort-de-france, pointe-a-pitre,
    london, berlin, madrid, barcelona, barcelone, rome, milan, brussels, bruxelles, geneve, geneva, lausanne,
    zurich, luxembourg, amsterdam, rotterdam, lisbon, lisbonne, porto, vienna, munich, frankfurt, hamburg,
    new york, los angeles, chicago, san francisco, boston, montreal, quebec, toronto, tokyo, liege, namur,
    anvers, antwerp, dublin, manchester, edinburgh, copenhagen, stockholm, oslo, warsaw, prague
    """
)

# Pieces that French commune names are made of ("Saint-Cyr-sur-Loire", "Villeneuve-d'Ascq").
CITY_PARTS: frozenset[str] = words(
    "saint sainte st ste sur sous en les lez le la aux cedex ville villeneuve villers bourg mont port fort"
)

# French names of the countries most often seen in French files (pycountry covers English and ISO codes).
COUNTRY_NAMES_FR: frozenset[str] = _lines(
    """
    france, allemagne, belgique, suisse, espagne, italie, royaume-uni, royaume uni, angleterre, ecosse,
    etats-unis, etats unis, usa, u.s.a., us, uk, luxembourg, pays-bas, pays bas, hollande, portugal, autriche,
    irlande, pologne, suede, norvege, danemark, finlande, grece, chine, japon, canada, bresil, mexique,
    argentine, maroc, algerie, tunisie, senegal, cote d'ivoire, cote divoire, cameroun, inde, russie, turquie,
    australie, roumanie, hongrie, republique tcheque, tchequie, croatie, israel, liban, egypte,
    afrique du sud, coree du sud, vietnam, thailande, madagascar, monaco, andorre, england, great britain,
    deutschland, espana, italia, belgie, schweiz, nederland, holland, south korea, russia, czech republic,
    ivory coast, united states of america, vatican, islande, slovaquie, slovenie, bulgarie, serbie, ukraine,
    lituanie, lettonie, estonie, chypre, malte, nouvelle-zelande, chili, colombie, perou, venezuela
    """
)

CURRENCY_WORDS: frozenset[str] = _lines(
    "€, $, £, ¥, us$, euro, euros, dollar, dollars, us dollar, livre, livres, livre sterling, pound, pounds, "
    "franc suisse, francs suisses, yen, yuan"
)

# Street-type words (French and English, with their usual abbreviations).
STREET_WORDS: frozenset[str] = words(
    """
    rue r avenue av ave boulevard bd bld blvd chemin ch chem allee all impasse imp place pl route rte quai
    cours square sq lieu-dit lieudit ld residence res voie passage pass sentier cite hameau za zi zac parc
    promenade esplanade faubourg fbg montee rond-point rondpoint traverse villa clos domaine lotissement lot
    street road rd lane ln drive dr way court ct terrace crescent highway hwy plaza close strasse str via
    calle rua
    """
)
# Postal box markers that make up a whole address line ("BP 123", "CS 70001").
POSTAL_BOX_WORDS: frozenset[str] = words("bp cs tsa cedex po box")

# Legal forms: finding one of these tokens in a value is strong evidence of a company name.
LEGAL_FORMS: frozenset[str] = words(
    """
    sa sas sasu sarl eurl sci snc scp scm scop scs sca gie gaec earl selarl selas sem spa srl sl sll sprl
    bvba bv nv gmbh ag kg ug ohg ltd limited llc llp inc incorporated corp corporation plc co oy ab as aps
    pty pvt ei eirl asbl
    """
)
# Words frequent in company names; weaker evidence than a legal form.
COMPANY_WORDS: frozenset[str] = words(
    """
    groupe group holding holdings consulting conseil conseils services service solutions technologies
    technology tech industries industrie industrial transports transport logistique logistics boulangerie
    garage pharmacie cabinet hotel restaurant agence immobilier immobiliere batiment btp informatique
    distribution international internationale societe ste ets etablissements associes fils freres partners
    partenaires systems systemes software labs lab studio studios bank banque assurance assurances mutuelle
    auto automobiles electric electricite energie energy construction constructions menuiserie plomberie
    architecture architectes avocats notaires expertise comptable audit finance capital invest
    investissement media medias communication marketing digital france europe sud nord est ouest
    entreprise entreprises company compagnie cie corporation trading import export fabrication atelier
    ateliers laboratoire laboratoires clinique imprimerie librairie boucherie fromagerie traiteur coiffure
    nettoyage securite formation ingenierie engineering manufacturing store shop market supermarche
    """
)

# Civility / title spellings (folded, dots removed).
CIVILITIES: frozenset[str] = _lines(
    """
    m, mr, mme, mlle, melle, mrs, ms, miss, mx, dr, pr, me, monsieur, madame, mademoiselle, sir, madam,
    docteur, professeur, maitre, m et mme, mr et mme, m mme, mr mrs, mr and mrs, mr & mrs, m & mme, mmes, mm,
    messieurs, herr, frau, sr, sra
    """
)
GENDERS: frozenset[str] = _lines(
    "m, f, h, male, female, homme, femme, man, woman, masculin, feminin, x, other, autre, u, unknown, "
    "non binaire, non-binaire, nb, hommes, femmes, garcon, fille, boy, girl"
)
# Values that only a gender column uses (never a civility): they settle "M" ambiguity.
GENDER_ONLY: frozenset[str] = _lines(
    "f, h, male, female, homme, femme, man, woman, masculin, feminin, non binaire, nb"
)
CIVILITY_ONLY: frozenset[str] = _lines(
    "mme, mlle, melle, mr, mrs, ms, miss, monsieur, madame, mademoiselle, dr, m et mme, mr et mme"
)

TRUE_WORDS: frozenset[str] = words("oui yes y o 1 true vrai t on x ok si ja")
FALSE_WORDS: frozenset[str] = words("non no n 0 false faux f off nein")
BOOLEAN_WORDS: frozenset[str] = TRUE_WORDS | FALSE_WORDS
# Values that only a consent column carries.
CONSENT_WORDS: frozenset[str] = _lines(
    """
    opt-in, opt-out, optin, optout, opt in, opt out, granted, denied, refused, accepted, accepte, accepté,
    refuse, subscribed, unsubscribed, inscrit, desinscrit, abonne, desabonne, consent, consenti, no consent,
    accord, desaccord, pending, double opt-in, double-opt-in, soft opt-in
    """
)

# Marketing / web / commerce event names (folded, separators turned into "_").
EVENT_TYPES: frozenset[str] = words(
    """
    open opened opens email_open email_opened click clicked clicks email_click email_clicked visit visited
    page_view pageview pageviews page_viewed view viewed product_view view_item bounce bounced soft_bounce
    hard_bounce unsubscribe unsubscribed subscribe subscribed purchase purchased order ordered add_to_cart
    addtocart cart_add remove_from_cart checkout begin_checkout sent send delivered delivery deferred
    dropped spam spam_report complaint signup sign_up register registration login logout log_in log_out
    search download form_submit submit lead conversion session_start session_end app_open install
    uninstall impression impressions share like comment refund return call sms_sent sms_delivered
    push_open push_sent ouverture ouvert clic clique visite achat commande desabonnement desinscription
    inscription envoi envoye delivre rebond plainte telechargement recherche connexion deconnexion panier
    ajout_panier paiement
    """
)
# Words a compound event name may contain ("email_link_clicked", "newsletter-open").
EVENT_WORDS: frozenset[str] = words(
    """
    open opened click clicked visit visited view viewed bounce bounced unsubscribe unsubscribed subscribe
    purchase purchased order checkout sent delivered spam complaint signup login logout search download
    submit conversion session install impression share refund ouverture clic visite achat envoi
    """
)

# Month names and abbreviations (French, English), folded.
MONTHS: dict[str, int] = {
    **dict.fromkeys(("janvier", "janv", "jan", "january"), 1),
    **dict.fromkeys(("fevrier", "fevr", "fev", "feb", "february"), 2),
    **dict.fromkeys(("mars", "mar", "march"), 3),
    **dict.fromkeys(("avril", "avr", "apr", "april"), 4),
    **dict.fromkeys(("mai", "may"), 5),
    **dict.fromkeys(("juin", "jun", "june"), 6),
    **dict.fromkeys(("juillet", "juil", "jul", "july"), 7),
    **dict.fromkeys(("aout", "aug", "august"), 8),
    **dict.fromkeys(("septembre", "sept", "sep", "september"), 9),
    **dict.fromkeys(("octobre", "oct", "october"), 10),
    **dict.fromkeys(("novembre", "nov", "november"), 11),
    **dict.fromkeys(("decembre", "dec", "december"), 12),
}
