"""Colours of the category calendars: RFC 7986 COLOR takes a CSS3 colour name, nothing else.

Calendar programs (Apple Calendar, Thunderbird, DAVx⁵/ICSx⁵) colour a subscribed calendar by it, so a
resident who subscribes to several categories tells them apart. Staff may choose a name per category
in mkdocs.yml (``category_colors``); the office's categories have defaults, others take one from a
fixed list in the order they are declared (stable as long as the declaration order is).
"""

from __future__ import annotations

# CSS Color Module Level 3, 4.3 "Extended color keywords" (the names RFC 7986 3.7.3 refers to).
CSS3_NAMES = frozenset("""
aliceblue antiquewhite aqua aquamarine azure beige bisque black blanchedalmond blue blueviolet brown
burlywood cadetblue chartreuse chocolate coral cornflowerblue cornsilk crimson cyan darkblue darkcyan
darkgoldenrod darkgray darkgreen darkgrey darkkhaki darkmagenta darkolivegreen darkorange darkorchid
darkred darksalmon darkseagreen darkslateblue darkslategray darkslategrey darkturquoise darkviolet
deeppink deepskyblue dimgray dimgrey dodgerblue firebrick floralwhite forestgreen fuchsia gainsboro
ghostwhite gold goldenrod gray green greenyellow grey honeydew hotpink indianred indigo ivory khaki
lavender lavenderblush lawngreen lemonchiffon lightblue lightcoral lightcyan lightgoldenrodyellow
lightgray lightgreen lightgrey lightpink lightsalmon lightseagreen lightskyblue lightslategray
lightslategrey lightsteelblue lightyellow lime limegreen linen magenta maroon mediumaquamarine
mediumblue mediumorchid mediumpurple mediumseagreen mediumslateblue mediumspringgreen
mediumturquoise mediumvioletred midnightblue mintcream mistyrose moccasin navajowhite navy oldlace
olive olivedrab orange orangered orchid palegoldenrod palegreen paleturquoise palevioletred
papayawhip peachpuff peru pink plum powderblue purple red rosybrown royalblue saddlebrown salmon
sandybrown seagreen seashell sienna silver skyblue slateblue slategray slategrey snow springgreen
steelblue tan teal thistle tomato turquoise violet wheat white whitesmoke yellow yellowgreen
""".split())

# The office's own categories (models.Settings' defaults), in colours that differ clearly from each
# other and read on white and on dark calendar themes.
DEFAULTS = {"begegnung": "darkorange", "familie": "mediumseagreen", "lernen": "royalblue",
            "beratung": "mediumpurple", "bewegung": "crimson"}
# For categories a site adds: taken in declaration order.
SPARE = ("teal", "goldenrod", "steelblue", "orchid", "olivedrab", "sienna", "slateblue", "tomato")


def category_colors(categories: list[str], chosen: dict[str, str]) -> dict[str, str]:
    """Every category's colour: staff's choice, else the default, else the next spare one."""
    spare = iter(SPARE * (len(categories) // len(SPARE) + 1))
    result = {}
    for cat_id in categories:
        result[cat_id] = chosen.get(cat_id) or DEFAULTS.get(cat_id) or next(spare)
    return result
