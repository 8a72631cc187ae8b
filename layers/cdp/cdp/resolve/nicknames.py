"""Short forms of first names (French and English), as accent-folded lower-case keys.

Each group lists a name and the forms people and sources use for it; any two names of one group are
aliases. A name may sit in several groups ("max" is Maxime and Maximilien).
"""

from __future__ import annotations

from itertools import combinations

_GROUPS = """
alexandre alex
alexandra alex sandra
alexander alex sandy
alexis alex
andrew andy drew
anthony tony
antoine toine tony
aurelie aurel
benjamin ben benji
caroline caro
catherine cathy cath kate katia
katherine kate kathy katie
charles charlie chuck
charlotte charlie lotte
christophe chris
christian chris
christine chris christina
christopher chris
daniel dan danny dany
danielle dany
david dave
deborah debbie deb
dominique dom
edward ed eddie ted
elisabeth elizabeth babeth lisa liz beth betty elise
emmanuel manu
emmanuelle manue manu
frederic fred
frederique fred
gabriel gaby
gabrielle gaby
guillaume guigui will
isabelle isa babeth
jacques jacky jack
james jim jimmy
jennifer jenny jen
john johnny jack
jonathan jon johnny
joseph jo joe jojo
josephine jo josie
laurent lolo
margaret maggie meg peggy
mathieu matthieu matt
matthew matt
maxime max
maximilien max
michael mike mick
michel mich
nicolas nico nick
nicholas nick nicky
patrice pat
patricia pat patty
patrick pat
philippe phil
raphael raph
rebecca becky
richard rick dick richie
robert bob bobby rob
samuel sam
samantha sam
sebastien seb
stephane steph
stephanie steph fanny
stephen steve
steven steve
susan sue susie
thomas tom tommy
timothy tim
valerie val
victoria vicky
william bill will billy liam
valentin val
jacqueline jackie jacky
florence flo
florian flo
aurelien aurel
timothee tim
margaux margot
veronique vero
mohamed mohammed mohammad mohamad
josephine josy
gregory greg
gregoire greg
yannick yann
benoit ben
mathilde mathy
clemence clem
clement clem
laurence lau
severine sev
geraldine gege
bertrand bebert
thibault thibaut thibaud
"""

NICKNAME_PAIRS: frozenset[tuple[str, str]] = frozenset(
    pair
    for line in _GROUPS.strip().splitlines()
    for left, right in combinations(line.split(), 2)
    for pair in ((left, right), (right, left))
)

# Every name of the table: a pair can be a nickname pair only if both are.
NICKNAME_NAMES: frozenset[str] = frozenset(name for pair in NICKNAME_PAIRS for name in pair)


def is_alias(left: str, right: str) -> bool:
    """True when one first name key is a nickname, the initials or the leading part of the other.

    "bob"/"robert", "m"/"marie", "jp"/"jean pierre", "marie"/"marie helene".
    """
    if (left, right) in NICKNAME_PAIRS:
        return True
    short, long = (left, right) if len(left) <= len(right) else (right, left)
    long_tokens = long.split()
    short_tokens = short.split()
    initials = "".join(token[0] for token in long_tokens)
    if short.replace(" ", "") in {initials, initials[:1]} and len(short.replace(" ", "")) <= 2:
        return True
    return len(short_tokens) < len(long_tokens) and long_tokens[: len(short_tokens)] == short_tokens
