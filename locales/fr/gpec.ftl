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
login-one-time = Ce compte a un mot de passe à usage unique : changez-le d'abord (POST /api/v1/me/password), puis reconnectez-vous.
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
