"""Original French texts for the standard workload packs.

Written for ia-empreinte by its developers; dedicated to the public domain under
CC0-1.0 (https://creativecommons.org/publicdomain/zero/1.0/). The towns, services and
figures are fictional. Used by ``make_packs.py`` to build the packs.
"""

PARAGRAPHS = [
    "La médiathèque de Val-des-Sources ouvre ses portes du mardi au samedi, de dix heures "
    "à dix-neuf heures. Le prêt est gratuit pour les habitants de la communauté de "
    "communes. Chaque lecteur peut emprunter quinze documents pour quatre semaines, dont "
    "trois jeux vidéo au plus. Les retours se font à la boîte extérieure, même le dimanche.",
    "Depuis janvier, la collecte des biodéchets est assurée une fois par semaine dans "
    "tous les quartiers. Un bac marron de vingt litres est remis gratuitement à chaque "
    "foyer qui en fait la demande à l'accueil de la mairie, sur présentation d'un "
    "justificatif de domicile. Les restes de repas, les épluchures et le marc de café y "
    "sont acceptés ; les coquillages et les os n'y ont pas leur place.",
    "Le conseil municipal a voté le budget primitif le douze mars. Les dépenses de "
    "fonctionnement augmentent de deux pour cent, surtout à cause du prix de l'énergie "
    "dans les écoles et les gymnases. L'investissement porte sur la rénovation thermique "
    "du groupe scolaire Jean-Moulin, la réfection de la rue des Tilleuls et l'achat de "
    "deux véhicules électriques pour les services techniques.",
    "Pour inscrire un enfant à l'école maternelle, les parents prennent d'abord rendez-vous "
    "au service éducation. Ils apportent le livret de famille, un justificatif de "
    "domicile de moins de trois mois et le carnet de santé. Le certificat d'inscription "
    "est ensuite remis à la directrice de l'école, qui procède à l'admission.",
    "La piscine intercommunale ferme pour vidange du premier au quinze septembre. Pendant "
    "cette période, les créneaux des clubs sont reportés au centre aquatique de la ville "
    "voisine, avec un transport en car organisé le mercredi après-midi. Les abonnements "
    "en cours sont prolongés de deux semaines sans démarche particulière.",
    "Le plan local d'urbanisme intercommunal est soumis à enquête publique pendant un mois. "
    "Chacun peut consulter le dossier en mairie ou sur le site de la collectivité et "
    "déposer ses observations dans le registre. Le commissaire enquêteur tiendra quatre "
    "permanences, dont une un samedi matin, pour répondre aux questions des habitants.",
    "Une aide à l'achat d'un vélo à assistance électrique est proposée aux ménages dont le "
    "revenu fiscal de référence par part est inférieur à quinze mille euros. Elle couvre "
    "un quart du prix, dans la limite de quatre cents euros. La demande se fait en ligne "
    "avec la facture acquittée et un relevé d'identité bancaire.",
    "Le centre communal d'action sociale accompagne les personnes âgées isolées. Un "
    "agent peut passer chaque semaine, porter des repas ou aider aux démarches "
    "administratives. En cas de canicule, les personnes inscrites sur le registre "
    "reçoivent un appel quotidien et, si besoin, une visite à domicile.",
    "Les travaux de renouvellement du réseau d'eau potable avenue de la Gare dureront six "
    "semaines. La circulation se fera en alternat, réglée par des feux provisoires. Des "
    "coupures d'eau de courte durée sont possibles ; les riverains seront prévenus la "
    "veille par un avis déposé dans leur boîte aux lettres.",
    "Le marché de plein air se tient chaque jeudi matin sur la place de l'Église. On y "
    "trouve une trentaine de commerçants, dont une majorité de producteurs locaux. Le "
    "stationnement est interdit sur la place de six heures à quatorze heures ; un parking "
    "gratuit est disponible derrière la salle des fêtes.",
    "Pour obtenir une carte d'identité ou un passeport, il faut réserver un créneau dans "
    "une mairie équipée d'un dispositif de recueil. La pré-demande en ligne fait gagner du "
    "temps au guichet. Le délai de fabrication varie selon la saison : il dépasse souvent "
    "un mois au printemps, avant les vacances d'été.",
    "La communauté de communes installe des panneaux photovoltaïques sur les toitures de "
    "trois bâtiments publics. L'électricité produite sera consommée sur place, d'abord par "
    "le gymnase et la cuisine centrale. L'opération doit couvrir environ un cinquième de "
    "leurs besoins annuels et sera suivie par un tableau de bord publié chaque trimestre.",
    "Les déchets verts ne doivent pas être brûlés dans les jardins : c'est interdit et "
    "très polluant. Ils peuvent être apportés à la déchèterie, broyés sur place lors des "
    "journées de broyage gratuit, ou compostés. Le paillis obtenu protège les massifs de "
    "la sécheresse et limite l'arrosage.",
    "Le service des archives municipales conserve les registres d'état civil depuis 1792. "
    "Les actes de plus de cent ans sont consultables librement en salle de lecture. Pour "
    "les actes plus récents, seules les personnes concernées ou leurs descendants "
    "directs peuvent obtenir une copie intégrale.",
    "Le transport à la demande dessert les hameaux qui ne sont pas sur une ligne régulière. "
    "Il suffit de réserver la veille avant dix-sept heures, par téléphone ou sur "
    "l'application. Le trajet coûte le prix d'un ticket de bus et la correspondance avec "
    "le train est garantie à la gare principale.",
    "La ville lance un budget participatif de cent mille euros. Les habitants de plus de "
    "seize ans proposent des projets d'intérêt général, qui sont étudiés par les services "
    "pour vérifier leur faisabilité et leur coût. Les projets retenus sont ensuite soumis "
    "au vote, en ligne ou dans les bureaux de quartier.",
    "Un arrêté préfectoral limite les usages de l'eau en raison de la sécheresse. "
    "L'arrosage des pelouses est interdit, celui des potagers autorisé seulement avant "
    "huit heures et après vingt heures. Le lavage des véhicules hors station équipée et "
    "le remplissage des piscines privées sont suspendus jusqu'à nouvel ordre.",
    "La restauration scolaire sert chaque jour près de mille deux cents repas. La moitié "
    "des produits sont durables ou de qualité, dont un quart issus de l'agriculture "
    "biologique. Un menu végétarien est proposé chaque semaine et le pain vient d'une "
    "boulangerie de la commune.",
    "Le guichet numérique permet de déclarer un changement d'adresse, de demander un "
    "acte de naissance ou de signaler un nid-de-poule. Les personnes peu à l'aise avec "
    "internet peuvent se faire aider par le conseiller numérique, présent le lundi et le "
    "vendredi à la maison France services.",
    "Les horaires d'éclairage public ont changé : les lampadaires s'éteignent de minuit à "
    "cinq heures dans les zones résidentielles. La mesure réduit la facture d'électricité "
    "et la pollution lumineuse, qui gêne la faune nocturne. Les axes principaux et les "
    "abords de la gare restent éclairés toute la nuit.",
    "Le recensement de la population se déroule du 15 janvier au 21 février. Un agent "
    "recenseur, muni d'une carte officielle, remet à chaque foyer ses codes pour répondre "
    "en ligne. Les réponses sont confidentielles et servent à calculer la population "
    "légale, dont dépendent les dotations de l'État.",
    "La maison de santé pluriprofessionnelle accueillera trois médecins généralistes, deux "
    "infirmières et un kinésithérapeute. La commune a acheté le bâtiment et le loue aux "
    "professionnels à un loyer modéré. L'ouverture est prévue à l'automne, après la mise "
    "aux normes d'accessibilité.",
    "Pour louer la salle des fêtes, une association remplit le formulaire de réservation "
    "au moins deux mois à l'avance. La location est gratuite une fois par an pour les "
    "associations de la commune. Une caution est demandée et un état des lieux est fait "
    "avant et après la manifestation.",
    "Les agents de la voirie ont planté deux cents arbres cet hiver, surtout des érables "
    "champêtres, des tilleuls et des chênes verts, choisis pour leur résistance à la "
    "chaleur. Chaque arbre est arrosé pendant trois étés. Les habitants peuvent parrainer "
    "un arbre de leur rue et signaler ceux qui souffrent.",
]
"""24 original paragraphs (CC0-1.0)."""

QUESTIONS = [
    "Quels sont les horaires d'ouverture ?",
    "Que faut-il apporter ?",
    "Combien cela coûte-t-il ?",
    "Qui peut en bénéficier ?",
    "Comment faire la demande ?",
    "Quelles sont les dates à retenir ?",
    "Qu'est-ce qui est interdit ?",
    "Où faut-il se rendre ?",
    "Pourquoi cette mesure a-t-elle été prise ?",
    "Quel est le délai ?",
]

CHAT_PROMPTS = [
    "Bonjour, pouvez-vous m'expliquer en quelques phrases comment fonctionne la collecte "
    "des biodéchets dans ma commune ?",
    "Je viens d'emménager. Quelles démarches dois-je faire auprès de la mairie ?",
    "Rédigez un court message pour annoncer la fermeture de la piscine aux usagers.",
    "Quelle est la différence entre une carte d'identité et un passeport pour voyager en "
    "Europe ?",
    "Donnez trois conseils pour économiser l'eau au jardin pendant l'été.",
    "Mon voisin brûle ses déchets verts. Que puis-je faire ?",
    "Expliquez simplement ce qu'est un budget participatif.",
    "Proposez un plan en quatre parties pour une réunion publique sur le plan local "
    "d'urbanisme.",
    "Comment réserver le transport à la demande pour aller à la gare ?",
    "Traduisez en anglais : la médiathèque est fermée le lundi.",
    "Résumez en une phrase le rôle du centre communal d'action sociale.",
    "Écrivez un message de rappel poli pour un lecteur qui n'a pas rendu ses livres.",
    "Quels documents faut-il pour inscrire un enfant à l'école maternelle ?",
    "Pourquoi éteindre l'éclairage public la nuit ?",
    "Aidez-moi à rédiger une proposition de projet pour le budget participatif : un "
    "jardin partagé près de l'école.",
    "Combien de temps faut-il pour obtenir un passeport au printemps ?",
    "Faites une liste des aliments acceptés dans le bac à biodéchets.",
    "Présentez la maison de santé en trois phrases pour le bulletin municipal.",
    "Un habitant demande pourquoi la rue est barrée avenue de la Gare. Que lui répondre ?",
    "Quels arbres résistent bien à la chaleur en ville ?",
    "Rédigez une réponse courte à un courriel demandant les horaires du marché.",
    "Comment se faire aider pour une démarche en ligne quand on n'a pas d'ordinateur ?",
    "Expliquez à un enfant de dix ans ce qu'est le recensement.",
    "Quelles sont les règles d'arrosage pendant la sécheresse ?",
    "Donnez un exemple de menu végétarien équilibré pour la cantine.",
    "Comment louer la salle des fêtes pour une association ?",
    "Qu'est-ce que l'enquête publique et comment y participer ?",
    "Écrivez un titre accrocheur pour annoncer la plantation de deux cents arbres.",
]
"""28 original chat prompts (CC0-1.0)."""
