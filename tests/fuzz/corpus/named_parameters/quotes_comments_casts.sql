SELECT ':not', ":nor", `:this`, 'it''s :x', 'a\':y' -- :comment
, /* :block */ x::int, 5--:z
 FROM t WHERE a = :a AND b=:b_2 # :hash
