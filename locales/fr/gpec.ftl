# Messages of the web application, in French. A second language is a new folder beside this one
# (locales/en/gpec.ftl) with the same keys.

app-name = gpec
app-tagline = Emplois, compétences et charge de travail
skip-to-content = Aller au contenu

nav-home = Accueil
nav-api = Documentation de l'API
nav-signed-in-as = Connecté : { $user } ({ $organisation })
nav-sign-out = Se déconnecter

role-admin = administration
role-hr = ressources humaines
role-production = production
role-campus = campus
role-viewer = consultation

login-title = Connexion
login-intro = Connectez-vous avec l'identifiant et le mot de passe de votre compte gpec.
login-username = Identifiant
login-password = Mot de passe
login-submit = Se connecter
login-refused = Identifiant ou mot de passe incorrect.
login-locked = Trop d'essais infructueux : réessayez dans { $minutes } min.
login-no-access = Votre compte n'a pas accès à gpec : { $reason }
login-one-time = Ce compte a un mot de passe à usage unique : choisissez le vôtre pour continuer.
login-expired = Votre session a expiré : reconnectez-vous.
login-signed-out = Vous êtes déconnecté.
login-form-expired = Le formulaire a expiré : recommencez.

home-title = Accueil
home-welcome = Bonjour { $user }.
home-roles = Vos rôles : { $roles }.
home-hr-title = Ressources humaines
home-hr-agents = Agents présents
home-hr-expired = Niveaux dont l'évaluation a expiré
home-hr-at-risk = Compétences détenues par trop peu de personnes
home-hr-at-risk-hint = moins de { $min } agents au niveau requis par leurs fiches emploi
home-hr-drafts = Fiches emploi en brouillon
home-hr-at-risk-table = Compétences à risque
home-hr-competency = Compétence
home-hr-required = Niveau requis
home-hr-holders = Détenteurs
home-hr-none-at-risk = Aucune compétence à risque.
home-production-title = Production
home-production-text = Activités, charges, ETP et plans de charge : pages à venir ; l'API les sert déjà.
home-campus-title = Campus
home-campus-text = Modules, formateurs, engagements et sessions : pages à venir ; l'API les sert déjà.
home-admin-title = Administration
home-admin-text = Comptes, organisations et journal d'audit : par l'API et la commande gpec.

error-title = Erreur
error-forbidden = Vous n'avez pas accès à cette action.
error-not-found = Cette page n'existe pas, ou n'est pas de votre périmètre.
error-csrf = La requête n'a pas le jeton de sécurité attendu : rechargez la page et recommencez.
error-back-home = Retour à l'accueil

nav-dictionary = Dictionnaire
dictionary-title = Dictionnaire des compétences
dictionary-search = Rechercher
dictionary-category = Catégorie
dictionary-arc = Arc
dictionary-any = toutes
dictionary-new-only = Seulement les compétences NOUVELLES
dictionary-new = Nouvelle
dictionary-submit = Filtrer
dictionary-label = Compétence
dictionary-count = { $count ->
    [0] Aucune compétence ne correspond.
    [one] 1 compétence.
   *[other] { $count } compétences.
}

competency-back = Retour au dictionnaire
competency-code = Code
competency-definition = Définition
competency-no-definition = Pas de définition.
competency-levels = Les quatre niveaux
competency-required-by = Requis à ce niveau par :
competency-aliases = Autres formulations
competency-versions = Versions
competency-version = Version
competency-author = Auteur
competency-date = Date

nav-agents = Agents
agents-title = Agents
agents-search = Matricule ou nom
agents-unit = Unité
agents-sheet = Fiche emploi
agents-any-sheet = toutes
agents-submit = Filtrer
agents-matricule = Matricule
agents-name = Nom
agents-count = { $count ->
    [0] Aucun agent ne correspond.
    [one] 1 agent.
   *[other] { $count } agents.
}
agents-page = Page { $page } sur { $pages }
agents-previous = Page précédente
agents-next = Page suivante
agents-pages = Pages

agent-back = Retour aux agents
agent-unit = Unité
agent-sheet = Fiche emploi
agent-no-sheet = aucune
agent-fte = ETP
agent-start = Entrée
agent-end = Sortie
agent-levels = Niveaux au regard de la fiche
agent-compare = Comparer avec la fiche
agent-compare-submit = Comparer
agent-fit = Adéquation : { $fit } %
agent-required = Requis
agent-current = Actuel
agent-standing = Situation
agent-expired = expiré
agent-history = Historique des évaluations
agent-no-history = Aucune évaluation.
agent-assessed-on = Date
agent-level = Niveau
agent-assessor = Évaluateur
agent-source = Source
agent-valid-until = Valable jusqu'au
standing-met = atteint
standing-short1 = un niveau en dessous
standing-short2 = deux niveaux ou plus en dessous
standing-missing = non évalué
assess-title = Enregistrer une évaluation
assess-comment = Commentaire
assess-submit = Enregistrer
assess-done = L'évaluation est enregistrée.
standing-expired = évaluation expirée
standing-none = non requis
agent-chart-title = { $name } au regard de la fiche { $sheet }
agent-chart-description = { $met } exigences atteintes sur { $of } ; { $gap } niveaux manquent au total. Le tableau ci-dessous donne chaque niveau.
agent-chart-caption = Chaque barre est le niveau détenu (une évaluation expirée compte zéro) ; le trait noir marque le niveau requis.

nav-sheets = Fiches emploi
sheets-title = Fiches emploi
sheets-compare-link = Comparer deux fiches côte à côte
sheet-code = Code
sheet-version = Version
sheet-status = Statut
sheet-date = Date de la version
sheet-status-draft = brouillon
sheet-status-validated = validée
sheet-status-archived = archivée
sheet-back = Retour aux fiches emploi
sheet-back-to-sheet = Retour à la fiche
sheet-see-current = voir la version en vigueur
sheet-edit = Modifier la fiche
sheet-validate = Valider ce brouillon
sheet-validated = La fiche est validée.
sheet-saved = Vos modifications sont enregistrées dans une nouvelle version, en brouillon.
sheet-field-title = Intitulé
sheet-field-purpose = Finalité
sheet-field-activities = Activités
sheet-field-environment = Environnement de travail
sheet-field-recruitment_diploma = Niveau de diplôme
sheet-field-recruitment_internal_profile = Profil interne
sheet-field-recruitment_selection = Modalités de sélection
sheet-field-recruitment = Profil de recrutement
sheet-activity-roles = Rôle dans les activités de la branche
activity-role-principal = principal (X)
activity-role-contributor = contributeur (x)
sheet-recruitment = Recrutement
sheet-requirements = Compétences requises
sheet-wording = Libellé de la fiche
sheet-diff-from = De la version
sheet-diff-to = À la version
sheet-diff-submit = Comparer les versions
sheet-diff-title = { $code } : de la version { $from } à la version { $to }
sheet-diff-legend = Légende :
sheet-diff-removed = texte retiré
sheet-diff-added = texte ajouté
sheet-diff-none = Ces deux versions sont identiques.
sheet-diff-requirement-added = Ajoutée :
sheet-diff-requirement-removed = Retirée :
sheet-edit-title = Modifier la fiche { $code }
sheet-requirements-help = Une ligne par compétence ; laissez une ligne vide pour ne rien ajouter, choisissez « — » pour retirer une compétence.
sheet-save = Enregistrer en brouillon
sheet-conflict = Cette fiche a été modifiée pendant votre saisie : la version { $version }, de { $author }, est maintenant en vigueur.
sheet-conflict-help = Votre saisie est conservée ci-dessous. Comparez-la à la version en vigueur ; enregistrer de nouveau la remplacera par la vôtre.
sheet-conflict-field = Champ
sheet-conflict-theirs = Version en vigueur
sheet-conflict-yours = Votre saisie
compare-title = Deux fiches côte à côte
compare-from = Fiche tenue
compare-to = Fiche visée
compare-submit = Comparer
compare-gap = Écart
compare-summary = Pour passer de la première fiche à la seconde : { $levels } niveaux à gagner sur { $competencies } compétences.

nav-team = Équipes
team-title = Matrice d'équipe
team-agent = Agent
team-arcs = Arcs (détenu / requis)
team-legend = Légende des couleurs
team-caption = Agents en lignes, compétences de leurs fiches en colonnes ; chaque case donne le niveau détenu.
team-count = { $agents } agents, { $competencies } compétences.
team-download = Télécharger en CSV
team-empty = Aucun agent dans ce périmètre.
team-expired-short = exp.
team-cell = { $competency } : niveau { $held }, requis { $required } ({ $standing })
scope-organisation = Organisme

nav-mobility = Mobilité
mobility-title = Mobilité
mobility-intro = Les agents classés par adéquation à une fiche visée, avec leurs principaux écarts.
mobility-target = Fiche visée
mobility-submit = Classer
mobility-rank = Rang
mobility-current-sheet = Fiche actuelle
mobility-fit = Adéquation
mobility-requirements-met = Exigences atteintes
mobility-main-gaps = Principaux écarts
mobility-met = { $met } sur { $of }
mobility-count = { $count ->
    [0] Aucun agent dans ce périmètre pour la fiche { $target }.
    [one] 1 agent classé pour la fiche { $target }.
   *[other] { $count } agents classés pour la fiche { $target }.
}

nav-needs = Besoins et couverture
needs-title = Besoins de formation et couverture
needs-heading = Besoins de formation
needs-intro = Par compétence : les agents en dessous du niveau que requiert leur propre fiche, et le niveau à atteindre.
needs-none = Aucun besoin : chaque agent atteint les niveaux de sa fiche.
needs-agents-below = Agents en dessous
needs-to-level = Vers le niveau
needs-total-gap = Niveaux à gagner
needs-chart-title = Les plus grands besoins de formation
needs-chart-legend = Niveaux à gagner, tous agents confondus
needs-chart-description = { $count } compétences ont des agents en dessous du niveau requis ; la plus grande est { $first }.
needs-chart-caption = Les quinze compétences aux plus grands écarts cumulés ; le tableau les donne toutes.
cover-heading = Couverture des compétences
cover-target = Fiche dont la couverture est vérifiée
cover-min = Seuil de détenteurs
cover-holders = Détenteurs au niveau requis
cover-enough = couverte
cover-at-risk = à risque
cover-threshold = Seuil : { $min } détenteurs
cover-chart-title = Détenteurs par compétence requise
cover-chart-description = { $count } compétences sur { $total } ont moins de { $min } détenteurs au niveau requis.
cover-chart-caption = Chaque barre compte les agents du périmètre au niveau requis ou au-dessus ; le trait noir marque le seuil.
cover-summary = { $count ->
    [0] Aucune compétence de la fiche { $target } ne repose sur moins de { $min } personnes.
    [one] 1 compétence de la fiche { $target } repose sur moins de { $min } personnes.
   *[other] { $count } compétences de la fiche { $target } reposent sur moins de { $min } personnes.
}

nav-import = Import
import-title = Importer des agents ou des évaluations
import-intro = Un fichier CSV (séparateur virgule ou point-virgule, UTF-8 ou Windows-1252) ou un classeur Excel. Le fichier entier est refusé à la moindre erreur : rien n'est écrit.
import-kind = Contenu du fichier
import-kind-agents = Agents
import-kind-assessments = Évaluations
import-file = Fichier
import-hint = Colonnes attendues : celles de l'export CSV de l'API (GET /api/v1/csv/agents ou /api/v1/csv/assessments).
import-submit = Importer
import-refused = Le fichier est refusé ; rien n'a été écrit.
import-where = Où
import-problem = Problème
import-line = ligne { $line }
import-line-column = ligne { $line }, colonne { $column }
import-done = { $rows } lignes lues : { $created } créées, { $updated } modifiées, { $unchanged } inchangées.

password-title = Choisir votre mot de passe
password-intro = Saisissez le mot de passe à usage unique reçu, puis celui que vous choisissez.
password-current = Mot de passe à usage unique (ou actuel)
password-new = Nouveau mot de passe
password-rule = Au moins 12 caractères, difficile à deviner : une phrase de plusieurs mots convient.
password-confirmation = Nouveau mot de passe, une seconde fois
password-submit = Enregistrer et se connecter
password-mismatch = Les deux saisies du nouveau mot de passe diffèrent.

yes = oui
no = non
role-trainer = formateur
nav-engagements = Engagements des formateurs
nav-trainer = Mon activité de formateur

engagement-status-proposed = Proposé
engagement-status-active = Actif
engagement-status-renewal_requested = Renouvellement demandé
engagement-status-renewed = Renouvelé
engagement-status-ended = Terminé
party-trainer = Formateur
party-employer = Employeur
party-campus = Campus

engagements-title = Engagements des formateurs
engagements-intro = Chaque engagement lie un formateur interne, son employeur et le campus pour une période de trois ans : il devient actif quand les trois parties ont donné leur accord, chacune pour elle-même.
engagements-none = Aucun engagement.
engagements-propose = Proposer un engagement
engagements-propose-submit = Proposer
engagement-number = N°
engagement-trainer = Formateur
engagement-campus = Campus
engagement-employer = Employeur
engagement-status = État
engagement-period = Période
engagement-hours = Heures par an
engagement-missing = Accords attendus
engagement-start = Début
engagement-reserve = Réserver les heures prévues dans les plans de charge
engagement-title = Engagement n° { $id } : { $name }, { $campus }
engagement-back = Tous les engagements
engagement-done = C'est enregistré.
engagement-next = Période proposée
engagement-life = Cycle de vie
engagement-agreements = Accords pour la période en attente
engagement-no-agreement-awaited = Aucune période n'attend d'accord.
engagement-party = Partie
engagement-agreed-by = Accord donné par
engagement-agreed-at = Le
engagement-awaited = en attente
engagement-paper = consentement écrit signé
engagement-agree-trainer = Donner mon accord de formateur
engagement-agree-employer = Donner l'accord de l'employeur
engagement-agree-campus = Donner l'accord du campus
engagement-paper-intro = Le formateur n'a pas de compte : enregistrez son consentement écrit signé, avec la référence et la date du document.
engagement-paper-reference = Référence du document
engagement-paper-date = Signé le
engagement-paper-submit = Enregistrer le consentement écrit du formateur
engagement-actions = Étapes
engagement-action-activate = Activer l'engagement
engagement-action-request-renewal = Demander le renouvellement
engagement-action-renew = Renouveler
engagement-action-end = Mettre fin à l'engagement
engagement-history = Historique
engagement-event-agreement = Accord
engagement-event-transition = Passage à l'état « { $status } »

trainer-title = Mon activité de formateur
trainer-intro = { $name }, { $organisation } : vos engagements, vos sessions, vos évaluations et vos heures.
trainer-hours = Heures
trainer-year = Année
trainer-show = Afficher
trainer-planned = Prévues
trainer-delivered = Réalisées
trainer-work-share = Part de votre temps de travail
trainer-engagements = Mes engagements
trainer-awaiting = des accords sont attendus
trainer-sessions = Mes sessions
trainer-session = Session
trainer-module = Module
trainer-dates = Dates
trainer-own-hours = Mes heures
trainer-trainees = Stagiaires
trainer-evaluations = Mes évaluations (moyennes des stagiaires)
trainer-answers = Réponses
trainer-mean = Moyenne sur 5
trainer-too-few = moins de { $min } réponses : non affichée, pour préserver l'anonymat
